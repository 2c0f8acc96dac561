import Logging
import NIOCore
import NIOPosix
import UsherCore

/// Opens the listening sockets of a gate, with accepting off until the whole gate is ready.
struct ListenerBinder {
    let group: any EventLoopGroup
    let driver: GateDriver
    let logger: Logger
    let somaxconn: Int

    /// Binds every listener, in order (their IDs are their positions); on a failure, closes those
    /// already bound.
    func bindAll(
        _ listeners: some Sequence<(ListenerConfiguration, SocketAddress)>
    ) async throws(GateError) -> [any Channel] {
        var channels: [any Channel] = []
        for (index, (listener, address)) in listeners.enumerated() {
            do {
                channels.append(try await bind(listener, at: address, as: ListenerID(index)))
            } catch {
                for channel in channels { try? await channel.close() }
                throw error
            }
        }
        return channels
    }

    /// Binds one listener; the kernel backlog is clamped to `somaxconn`, and a clamp is logged.
    private func bind(
        _ listener: ListenerConfiguration, at address: SocketAddress, as id: ListenerID
    ) async throws(GateError) -> any Channel {
        let backlog = Backlog(requested: listener.backlog, somaxconn: somaxconn)
        Gate.logClamp(listener, somaxconn: somaxconn, logger: logger)
        let driver = self.driver
        let logger = self.logger
        var bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: Int32(clamping: backlog.effective))
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.autoRead, value: false)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    // Out of file descriptors (EMFILE/ENFILE): stop accepting for a second and
                    // retry; meanwhile clients wait in the kernel backlog.
                    try channel.pipeline.syncOperations.addHandlers(
                        AcceptBackoffHandler(shouldForwardIOErrorCaught: true),
                        AdmissionHandler(listener: id, driver: driver, logger: logger))
                }
            }
            .childChannelOption(.autoRead, value: false)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    try PendingHandler.install(on: child, driver: driver, logger: logger)
                }
            }
        if address.protocol == .inet6 {
            // Like nginx: [::]:PORT takes IPv6 only, so 0.0.0.0:PORT can be listed beside it.
            bootstrap = bootstrap.serverChannelOption(
                ChannelOptions.Types.SocketOption(level: .ipv6, name: .ipv6_v6only), value: 1)
        }
        do {
            let channel = try await bootstrap.bind(to: address).get()
            logger.info("listening", metadata: [
                "listener": "\(Endpoint(channel.localAddress) ?? listener.endpoint)",
                "backlog": "\(backlog.effective)",
            ])
            return channel
        } catch {
            throw .cannotListen(listener.endpoint, reason: ErrorText.describe(error))
        }
    }
}
