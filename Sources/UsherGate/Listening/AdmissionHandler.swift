import DequeModule
import Logging
import NIOCore
import UsherCore

/// Sits in a listening channel's pipeline, before NIO's accept handler, and offers every
/// connection the kernel completed to the provider core.
///
/// Queued connections get a ``PendingHandler`` and continue to registration. When the core says
/// the queue is full, the connection is *parked* here, unread, and the listener stops accepting
/// (`autoRead` off) so that further clients wait in the kernel backlog; parked connections are
/// offered again, in order, when the queue has room.
final class AdmissionHandler: ChannelInboundHandler {
    typealias InboundIn = any Channel
    typealias InboundOut = any Channel

    private let listener: ListenerID
    private let driver: GateDriver
    private let logger: Logger
    private var lastAcceptFailure: NIODeadline?
    private var parked = Deque<any Channel>()
    private var context: ChannelHandlerContext?
    /// Set by ``stopAccepting()``: the listener takes nothing more, whatever the queue says.
    private var stopped = false

    init(listener: ListenerID, driver: GateDriver, logger: Logger) {
        self.listener = listener
        self.driver = driver
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        driver.register(listener, admission: NIOLoopBound(self, eventLoop: context.eventLoop))
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let child = unwrapInboundIn(data)
        if parked.isEmpty, offer(child, context: context) { return }
        parked.append(child)
        setAccepting(false, context: context)
    }

    /// A failed `accept()` (most often: out of file descriptors). Logged at most once a second.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let now = NIODeadline.now()
        if let last = lastAcceptFailure, now - last < .seconds(1) { return }
        lastAcceptFailure = now
        logger.warning("accept failed", metadata: [
            "listener": "\(Endpoint(context.channel.localAddress).map(String.init(describing:)) ?? "\(listener)")",
            "reason": "\(ErrorText.describe(error))",
            "note": "retrying in 1s; new clients wait in the kernel backlog",
        ])
    }

    /// Aligns accepting with the core: offers parked connections while there is room, then
    /// accepts from the kernel again only if nothing is left parked and the queue is not full.
    func synchronizeAccepting() {
        guard let context, !stopped else { return }
        while let child = parked.first, offer(child, context: context) {
            parked.removeFirst()
        }
        setAccepting(parked.isEmpty && !driver.isPaused(listener), context: context)
    }

    /// Stops taking connections from the kernel and offers what is parked (the core queues
    /// everything once shutting down). The listening socket stays open until the connections
    /// in flight are registered: closing it earlier would make NIO drop them.
    func stopAccepting() {
        guard let context else { return }
        stopped = true
        while let child = parked.popFirst() {
            if !offer(child, context: context) { child.close(promise: nil) }
        }
        setAccepting(false, context: context)
    }

    private func offer(_ child: any Channel, context: ChannelHandlerContext) -> Bool {
        let outcome = driver.arrive(on: listener, channel: child)
        guard let id = outcome.requestID else { return false }
        installPendingHandler(for: id, on: child)
        context.fireChannelRead(wrapInboundOut(child))
        return true
    }

    /// Adds the pending handler before NIO registers the child: at once on a shared event loop,
    /// else as the first task queued on the child's loop (ahead of NIO's registration).
    private func installPendingHandler(for id: RequestID, on child: any Channel) {
        let driver = self.driver
        if child.eventLoop.inEventLoop {
            try? child.pipeline.syncOperations.addHandler(PendingHandler(id: id, driver: driver))
        } else {
            child.eventLoop.execute {
                try? child.pipeline.syncOperations.addHandler(PendingHandler(id: id, driver: driver))
            }
        }
    }

    private func setAccepting(_ accepting: Bool, context: ChannelHandlerContext) {
        try? context.channel.syncOptions?.setOption(.autoRead, value: accepting)
    }
}
