import Logging
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
    /// The client half-closed (while pending with --half-close keep, or once accepted).
    private var clientFinishedSending = false
    /// When connecting to the upstream must have succeeded, across retries.
    private var connectDeadline: NIODeadline?
    private var connectBackoff = TimeAmount.milliseconds(50)
    private var context: ChannelHandlerContext?

    init(id: RequestID, driver: GateDriver) {
        self.id = id
        self.driver = driver
    }

    /// Why a connection could not be given its pending handler.
    struct InstallError: Error, CustomStringConvertible {
        var description: String
    }

    /// Gives a connection the admission handler queued its pending handler, from the child
    /// channel initializer (before SwiftNIO registers it). A failure is logged and closes the
    /// connection; the core then counts its request withdrawn.
    static func install(on child: any Channel, driver: GateDriver, logger: Logger) throws {
        do {
            guard let id = driver.takeRequestID(of: child) else {
                throw InstallError(description: "no request was queued for it")
            }
            try child.pipeline.syncOperations.addHandler(PendingHandler(id: id, driver: driver))
        } catch {
            logger.error("cannot hold a connection", metadata: [
                "peer": "\(Endpoint(child.remoteAddress).map(String.init(describing:)) ?? "unknown")",
                "reason": "\(error)",
            ])
            throw error
        }
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
        clientFinishedSending = true
        switch phase {
        case .holding, .connecting:
            // The core answers: a withdrawal closes the connection; a client waiting for its
            // answer keeps it, and the upstream gets the same half-close after the caller data.
            driver.callerFinishedSending(id)
        case .rejecting, .spliced:
            context.close(promise: nil)  // the client has read the reply and is done
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    /// Executes an action of the provider core for this connection.
    func perform(_ action: ConnectionAction) {
        guard let context else { return }
        switch action {
        case .connectUpstream:
            connectUpstream(context: context)
        case .reject(let rejection):
            reject(rejection, context: context)
        case .stripProxyHeader(let length):
            stripProxyHeader(length)
        case .close:
            context.close(promise: nil)
        }
    }

    private func report(_ bytes: ByteBuffer) {
        let room = CallerData.capacity - reported
        guard room > 0, bytes.readableBytes > 0 else { return }
        let slice = Array(bytes.readableBytesView.prefix(room))
        reported += slice.count
        driver.received(slice, for: id)
    }

    /// Drops a trusted proxy's header from the bytes kept for the upstream. The core saw
    /// `reported` bytes, the header among them; bytes read since are reported now, so that the
    /// caller data it holds has no gap.
    private func stripProxyHeader(_ length: Int) {
        guard var bytes = captured, phase == .holding else { return }
        let stripped = min(length, bytes.readableBytes, reported)
        bytes.moveReaderIndex(forwardBy: stripped)
        captured = bytes
        reported -= stripped
        if let unseen = bytes.getSlice(at: bytes.readerIndex + reported, length: bytes.readableBytes - reported) {
            report(unseen)
        }
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
                context: context, reply: rejection.message,
                linger: clientFinishedSending ? nil : driver.lingerTimeout)
        }
    }

    // MARK: Accept

    private func connectUpstream(context: ChannelHandlerContext) {
        guard phase == .holding else { return }
        phase = .connecting
        connectDeadline = .now() + driver.connectTimeout.timeAmount
        attemptConnect(on: context.eventLoop)
    }

    private func attemptConnect(on eventLoop: any EventLoop) {
        guard phase == .connecting, let connectDeadline else { return }
        let remaining = Duration.nanoseconds(max(1, (connectDeadline - .now()).nanoseconds))
        driver.connectUpstream(eventLoop, remaining)
            .assumeIsolated()
            .whenComplete { result in self.upstreamConnected(result, on: eventLoop) }
    }

    /// Out of descriptors or buffers here is no fault of the upstream: retry with a growing pause
    /// while the connect timeout allows, rather than turn the client away.
    private func retryLater(after error: any Error, on eventLoop: any EventLoop) -> Bool {
        guard ErrorText.isLocalExhaustion(error), let connectDeadline,
              .now() + connectBackoff < connectDeadline
        else { return false }
        eventLoop.assumeIsolated().scheduleTask(in: connectBackoff) { self.attemptConnect(on: eventLoop) }
        connectBackoff = min(connectBackoff * 2, .seconds(1))
        return true
    }

    private func upstreamConnected(_ result: Result<any Channel, any Error>, on eventLoop: any EventLoop) {
        switch result {
        case .failure(let error):
            guard phase == .connecting, !retryLater(after: error, on: eventLoop) else { return }
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
