import NIOCore
import UsherWire

/// Answers a peer that may not use the control socket with one error line, then closes.
final class RefusalHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let message: String

    init(message: String) {
        self.message = message
    }

    func channelActive(context: ChannelHandlerContext) {
        let line = ControlLine(id: nil, message: .error(ControlError(.forbidden, message)))
        let channel = context.channel
        context.writeAndFlush(NIOAny(line.encoded())).whenComplete { _ in channel.close(promise: nil) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
}
