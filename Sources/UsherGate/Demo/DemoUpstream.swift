import NIOCore
import NIOPosix

/// The built-in upstream used when no `--upstream` is given, so that `usher serve` and
/// `usher run` work alone: HTTP requests get `200 OK` with a short body naming usher and echoing
/// the request line; any other bytes are echoed back.
///
/// It listens on an ephemeral loopback port and is reached through the same proxy path as a
/// real upstream.
package final class DemoUpstream: Sendable {
    private let channel: any Channel

    /// Where the demo upstream listens.
    package var address: SocketAddress? { channel.localAddress }

    private init(channel: any Channel) {
        self.channel = channel
    }

    /// Starts listening on `127.0.0.1` on a port the system picks.
    package static func start(on group: any EventLoopGroup) async throws(GateError) -> DemoUpstream {
        do {
            let channel = try await ServerBootstrap(group: group)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .serverChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(AcceptBackoffHandler())
                    }
                }
                .childChannelOption(.allowRemoteHalfClosure, value: true)
                .childChannelInitializer { child in
                    child.eventLoop.makeCompletedFuture {
                        try child.pipeline.syncOperations.addHandler(ProtocolSniffer())
                    }
                }
                .bind(host: "127.0.0.1", port: 0)
                .get()
            return DemoUpstream(channel: channel)
        } catch {
            throw .demoUpstreamFailed(reason: ErrorText.describe(error))
        }
    }

    /// Stops listening; open demo connections end with their clients.
    package func close() async {
        try? await channel.close()
    }
}
