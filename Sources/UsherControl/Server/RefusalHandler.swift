import NIOCore
import UsherWire

/// Answers a peer that may not use the control socket (or not now) with one error line, then
/// closes.
final class RefusalHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let error: ControlError

    init(_ error: ControlError) {
        self.error = error
    }

    func channelActive(context: ChannelHandlerContext) {
        let line = ControlLine(id: nil, message: .error(error))
        let channel = context.channel
        context.writeAndFlush(NIOAny(line.encoded())).whenComplete { _ in channel.close(promise: nil) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
}
