import NIOCore
import NIOHTTP1

/// Answers every HTTP request of the demo upstream with `200 OK` and a body that names usher and
/// echoes the request line; keeps the connection alive when the client asks for it, and ends it
/// when the client stops sending.
final class DemoHTTPResponder: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private var head: HTTPRequestHead?

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
        case .body:
            break
        case .end:
            guard let head else { return }
            respond(to: head, context: context)
            self.head = nil
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed = event {
            // NIO's pipelining handler holds this back until pending responses are written.
            context.close(mode: .output, promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }

    static func body(for head: HTTPRequestHead) -> String {
        let line = "\(head.method.rawValue) \(head.uri) HTTP/\(head.version.major).\(head.version.minor)"
        return "Hello from usher's demo upstream.\nYou sent: \(line)\n"
    }

    private func respond(to head: HTTPRequestHead, context: ChannelHandlerContext) {
        let body = ByteBuffer(string: Self.body(for: head))
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        headers.add(name: "Content-Length", value: String(body.readableBytes))
        headers.add(name: "Server", value: "usher-demo")
        let keepAlive = head.isKeepAlive
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        let response = HTTPResponseHead(version: head.version, status: .ok, headers: headers)
        context.write(wrapOutboundOut(.head(response)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            if !keepAlive { channel.close(promise: nil) }
        }
    }
}
