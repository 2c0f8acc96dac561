import NIOCore
import UsherCore

/// A client connection usher holds, from arrival until it closes.
struct HeldConnection {
    let channel: any Channel
    /// The handler that executes actions, once the channel is active.
    var handler: NIOLoopBound<PendingHandler>?
    /// Actions decided before the handler was ready, executed when it attaches.
    var mailbox: [ConnectionAction] = []
}
