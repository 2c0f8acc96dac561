import NIOCore
import NIOHTTP1

/// Looks at the first bytes of a demo connection and installs the HTTP responder or the echo; a
/// connection that ends before its first byte is closed.
///
/// HTTP is recognised by an upper-case method token followed by a space (`GET `, `POST `…).
final class ProtocolSniffer: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    enum Kind {
        case http
        case raw
    }

    private var buffered: ByteBuffer?

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        _ = buffered.setOrWriteBuffer(&bytes)
        guard let buffered, let kind = Self.classify(buffered.readableBytesView) else { return }
        handOver(to: kind, context: context)
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard case ChannelEvent.inputClosed = event else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        guard buffered != nil else {
            // The client finished without sending a byte: nothing to answer, and nobody else
            // would ever close this connection.
            context.close(promise: nil)
            return
        }
        handOver(to: .raw, context: context)
        context.fireUserInboundEventTriggered(event)
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    /// `nil` while too few bytes arrived to tell.
    static func classify(_ bytes: some Collection<UInt8>) -> Kind? {
        for (offset, byte) in bytes.enumerated() {
            switch byte {
            case UInt8(ascii: " ") where offset > 0: return .http
            case UInt8(ascii: "A")...UInt8(ascii: "Z") where offset < 16: continue
            default: return .raw
            }
        }
        return nil
    }

    private func handOver(to kind: Kind, context: ChannelHandlerContext) {
        do {
            let pipeline = context.pipeline.syncOperations
            switch kind {
            case .http:
                try pipeline.addHandler(DemoHTTPResponder(), position: .after(self))
                try pipeline.configureHTTPServerPipeline(position: .after(self), withErrorHandling: true)
            case .raw:
                try pipeline.addHandler(EchoHandler(), position: .after(self))
            }
        } catch {
            context.close(promise: nil)
            return
        }
        if let buffered {
            context.fireChannelRead(wrapInboundOut(buffered))
            context.fireChannelReadComplete()
        }
        buffered = nil
    }
}
