import NIOCore
#if canImport(Glibc)
import Glibc
#endif

/// The two ways a rejected connection ends.
enum ConnectionClosing {
    /// An abortive close: `SO_LINGER` 0, then close, so the kernel sends RST and the client sees
    /// `ECONNRESET`.
    static func reset(_ channel: any Channel) {
        guard let options = channel as? any SocketOptionProvider else {
            channel.close(promise: nil)
            return
        }
        options.setSoLinger(linger(l_onoff: 1, l_linger: 0)).whenComplete { _ in
            channel.close(promise: nil)
        }
    }

    /// An orderly close: the reply, then FIN, then reading (and dropping) whatever the client
    /// still sends until it closes or `linger` passes. Closing with unread data would make the
    /// kernel send RST, which can destroy the reply before the client reads it. A client that has
    /// already stopped sending (`linger` `nil`) is closed once the reply is out.
    static func closeGracefully(context: ChannelHandlerContext, reply: [UInt8], linger: Duration?) {
        let channel = context.channel
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(NIOAny(ByteBuffer(bytes: reply)), promise: written)
        guard let linger else {
            // Its end of input was read, so nothing unread is left to turn the close into a reset.
            written.futureResult.whenComplete { _ in channel.close(promise: nil) }
            return
        }
        context.close(mode: .output, promise: nil)
        context.eventLoop.scheduleTask(in: linger.timeAmount) {
            channel.close(promise: nil)
        }
        context.read()
    }
}
