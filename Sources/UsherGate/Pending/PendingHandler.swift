import NIOCore
import UsherCore

/// Holds one client connection while its request is pending, then carries out the decision.
///
/// While pending it reads the caller data (up to ``CallerData/capacity``, keeping every byte for
/// the upstream), and treats a close, a reset or a half-close by the client as withdrawal. On
/// accept it connects to the upstream, replays the caller data and splices the two channels with
/// a ``GlueHandler`` pair; on reject it sends the reply and closes, or resets.
final class PendingHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum Phase {
        case holding
        case connecting
        case rejecting
        case spliced
    }

    let id: RequestID
    private let driver: GateDriver
    private var phase = Phase.holding
    /// Every byte read from the client so far, replayed upstream on accept.
    private var captured: ByteBuffer?
    /// How many bytes went to the core as caller data.
    private var reported = 0
    /// The client half-closed after its request was accepted.
    private var clientFinishedSending = false
    private var context: ChannelHandlerContext?

    init(id: RequestID, driver: GateDriver) {
        self.id = id
        self.driver = driver
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        context.fireChannelActive()
        let early = driver.attach(id, handler: NIOLoopBound(self, eventLoop: context.eventLoop))
        early.forEach(perform)
        // Read the caller data while the request waits. A request decided at arrival skips this:
        // its bytes flow once spliced, and a withdrawal still shows as end of input.
        if phase == .holding { context.read() }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        switch phase {
        case .holding, .connecting:
            report(bytes)
            _ = captured.setOrWriteBuffer(&bytes)
        case .rejecting:
            break  // draining what the client still sends before the close
        case .spliced:
            context.fireChannelRead(data)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        switch phase {
        case .holding, .connecting:
            if (captured?.readableBytes ?? 0) < CallerData.capacity { context.read() }
        case .rejecting:
            context.read()
        case .spliced:
            context.fireChannelReadComplete()
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard case ChannelEvent.inputClosed = event, phase != .spliced else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        switch phase {
        case .holding where driver.isAdmitting(id), .connecting:
            // Accepted already (the connect may still be on its way here): the client has
            // finished sending; the upstream gets the same half-close after the caller data.
            clientFinishedSending = true
        case .holding, .rejecting, .spliced:
            // Undecided: a close and a half-close look the same on the wire, and a client that
            // stops sending while it waits is taken as gone (withdrawn). Rejecting: the client
            // has read the reply and is done.
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    /// Executes an action of the provider core for this connection.
    func perform(_ action: GateAction) {
        guard let context else { return }
        switch action {
        case .connectUpstream:
            connectUpstream(context: context)
        case .reject(_, let rejection):
            reject(rejection, context: context)
        case .pauseAccepting, .resumeAccepting:
            break
        }
    }

    private func report(_ bytes: ByteBuffer) {
        let room = CallerData.capacity - reported
        guard room > 0, bytes.readableBytes > 0 else { return }
        let slice = Array(bytes.readableBytesView.prefix(room))
        reported += slice.count
        driver.received(slice, for: id)
    }

    // MARK: Reject

    private func reject(_ rejection: Rejection, context: ChannelHandlerContext) {
        guard phase == .holding || phase == .connecting else { return }
        phase = .rejecting
        captured = nil
        switch rejection.mode {
        case .reset:
            ConnectionClosing.reset(context.channel)
        case .close:
            ConnectionClosing.closeGracefully(
                context: context, reply: rejection.message, linger: driver.lingerTimeout)
        }
    }

    // MARK: Accept

    private func connectUpstream(context: ChannelHandlerContext) {
        guard phase == .holding else { return }
        phase = .connecting
        UpstreamConnector.connect(to: driver.upstream, on: context.eventLoop, timeout: driver.connectTimeout)
            .assumeIsolated()
            .whenComplete { result in self.upstreamConnected(result) }
    }

    private func upstreamConnected(_ result: Result<any Channel, any Error>) {
        switch result {
        case .failure(let error):
            guard phase == .connecting else { return }
            driver.upstreamFailed(id, reason: ErrorText.describe(error))
        case .success(let upstream):
            guard phase == .connecting, let context, context.channel.isActive else {
                upstream.close(promise: nil)
                return
            }
            do {
                try driver.upstreamConnected(id)
            } catch {
                upstream.close(promise: nil)
                return
            }
            splice(upstream, context: context)
        }
    }

    private func splice(_ upstream: any Channel, context: ChannelHandlerContext) {
        phase = .spliced
        let (clientSide, upstreamSide) = GlueHandler.matchedPair()
        do {
            try upstream.pipeline.syncOperations.addHandler(upstreamSide)
            try context.pipeline.syncOperations.addHandler(clientSide, position: .after(self))
        } catch {
            upstream.close(promise: nil)
            context.close(promise: nil)
            return
        }
        if let captured, captured.readableBytes > 0 {
            upstream.writeAndFlush(captured, promise: nil)
        }
        captured = nil
        if clientFinishedSending {
            upstream.close(mode: .output, promise: nil)
        }
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        try? upstream.syncOptions?.setOption(.autoRead, value: true)
        try? context.channel.syncOptions?.setOption(.autoRead, value: true)
    }
}
