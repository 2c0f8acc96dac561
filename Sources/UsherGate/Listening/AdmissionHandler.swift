import DequeModule
import Logging
import NIOCore
import UsherCore

/// Sits in a listening channel's pipeline, before NIO's accept handler, and offers every
/// connection the kernel completed to the provider core.
///
/// Queued connections continue to SwiftNIO's accept handler, whose child channel initializer
/// gives them their ``PendingHandler`` before they are registered. When the core says the queue
/// is full, the connection is *parked* here, unread, and the listener stops accepting (`autoRead`
/// off) so that further clients wait in the kernel backlog; the core's `resumeAccepting` offers
/// parked connections again, in order.
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
    /// The order of the last listener action carried out (see ``perform(_:order:)``).
    private var lastAction: UInt64 = 0

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

    /// Carries out the core's action on this listener. Actions reach the loop in the order the
    /// core gave them per thread; `order` (increasing per listener) lets one that arrives after a
    /// newer one be ignored, so the newest always wins.
    func perform(_ action: ListenerAction, order: UInt64) {
        guard let context, !stopped, order > lastAction else { return }
        lastAction = order
        switch action {
        case .pauseAccepting:
            setAccepting(false, context: context)
        case .resumeAccepting:
            while let child = parked.first, offer(child, context: context) {
                parked.removeFirst()
            }
            // Offering may have filled the queue again: the core then sends a newer pause.
            setAccepting(parked.isEmpty, context: context)
        }
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

    /// Offers a connection to the core; a queued one continues to registration.
    private func offer(_ child: any Channel, context: ChannelHandlerContext) -> Bool {
        guard driver.arrive(on: listener, channel: child).requestID != nil else { return false }
        context.fireChannelRead(wrapInboundOut(child))
        return true
    }

    private func setAccepting(_ accepting: Bool, context: ChannelHandlerContext) {
        try? context.channel.syncOptions?.setOption(.autoRead, value: accepting)
    }
}
