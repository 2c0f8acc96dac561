import NIOCore
import NIOPosix

/// Opens the upstream side of an accepted connection, on the client's own event loop so that the
/// two channels can be spliced without locks.
enum UpstreamConnector {
    /// Connects with reading off: the splice turns it on once both glue handlers are in place.
    static func connect(
        to address: SocketAddress, on eventLoop: any EventLoop, timeout: Duration
    ) -> EventLoopFuture<any Channel> {
        ClientBootstrap(group: eventLoop)
            .connectTimeout(timeout.timeAmount)
            .channelOption(.autoRead, value: false)
            .channelOption(.allowRemoteHalfClosure, value: true)
            .connect(to: address)
    }
}
