import NIOCore
import NIOHTTP1
import NIOPosix

/// `GET /metrics` over HTTP, for Prometheus: each request is answered with what `scrape` makes
/// then (the text format, version 0.0.4). `/` names the one page; anything else is 404.
public final class MetricsServer: Sendable {
    /// Where it listens (the port the system picked for port 0).
    public let address: SocketAddress
    private let channel: any Channel

    /// Listens on `host`:`port`.
    public static func start(
        host: String, port: Int, group: any EventLoopGroup, scrape: @escaping @Sendable () -> [UInt8]
    ) async throws -> MetricsServer {
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(MetricsHandler(scrape: scrape))
                }
            }
            .bind(host: host, port: port).get()
        guard let address = channel.localAddress else {
            try? await channel.close()
            throw ChannelError.unknownLocalAddress
        }
        return MetricsServer(address: address, channel: channel)
    }

    private init(address: SocketAddress, channel: any Channel) {
        self.address = address
        self.channel = channel
    }

    /// Stops listening.
    public func close() async {
        try? await channel.close()
    }
}

/// Answers one HTTP request at a time.
private final class MetricsHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let scrape: @Sendable () -> [UInt8]
    private var head: HTTPRequestHead?

    init(scrape: @escaping @Sendable () -> [UInt8]) {
        self.scrape = scrape
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): self.head = head
        case .body: break
        case .end:
            guard let head else { return }
            self.head = nil
            respond(to: head, context: context)
        }
    }

    private func respond(to head: HTTPRequestHead, context: ChannelHandlerContext) {
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        let (status, type, body): (HTTPResponseStatus, String, [UInt8]) = switch (head.method, path) {
        case (.GET, "/metrics"), (.HEAD, "/metrics"): (.ok, "text/plain; version=0.0.4; charset=utf-8", scrape())
        case (.GET, "/"), (.HEAD, "/"): (.ok, "text/plain; charset=utf-8", Array("usher: the metrics are at /metrics\n".utf8))
        case (.GET, _), (.HEAD, _): (.notFound, "text/plain; charset=utf-8", Array("not found: the metrics are at /metrics\n".utf8))
        default: (.methodNotAllowed, "text/plain; charset=utf-8", Array("only GET /metrics\n".utf8))
        }
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: type)
        headers.add(name: "Content-Length", value: "\(body.count)")
        let keepAlive = head.isKeepAlive
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
        if head.method != .HEAD {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
        }
        let written = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            let channel = context.channel
            written.whenComplete { _ in channel.close(promise: nil) }
        }
    }
}
