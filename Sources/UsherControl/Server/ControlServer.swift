import Logging
import Synchronization
import NIOCore
import NIOPosix
import UsherCore
import UsherWire
#if canImport(Glibc)
import Glibc
#endif

/// The control socket of a running gate: a Unix socket speaking the JSON-lines protocol to any
/// number of clients, each with the role its peer credentials give it.
///
/// ```swift
/// let control = try await ControlServer.start(
///     at: path, service: ControlService(provider: gate, version: "0.1.0"), access: AccessPolicy(), group: group,
///     logger: logger)
/// // … later
/// await control.close(reason: "usher stopped")
/// ```
public final class ControlServer: Sendable {
    /// The socket's path.
    public let path: String
    private let channel: any Channel
    private let hub: SubscriberHub
    private let statsTask: RepeatedTask
    private let inode: UInt64?
    /// Set by the first ``close(reason:successor:)``: a later one must not remove a socket file that
    /// another usher has made since (a restart; the file system may reuse the inode number).
    private let closed = Atomic<Bool>(false)
    private let lock: ControlSocketLock
    private let service: ControlService

    private init(
        path: String, channel: any Channel, hub: SubscriberHub, statsTask: RepeatedTask, inode: UInt64?,
        lock: ControlSocketLock, service: ControlService
    ) {
        self.lock = lock
        self.path = path
        self.service = service
        self.channel = channel
        self.hub = hub
        self.statsTask = statsTask
        self.inode = inode
    }

    /// Why the control socket could not be opened.
    public struct StartError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Creates the socket (see ``ControlSocketFile``) and starts serving.
    ///
    /// - Parameters:
    ///   - subscriberQueue: how many events a slow subscriber may fall behind before it gets a
    ///     resync instead.
    ///   - statsInterval: how often subscribers get a `stats` event (when something changed).
    public static func start(
        at path: String, service: ControlService, access: AccessPolicy, group: any EventLoopGroup, logger: Logger,
        subscriberQueue: Int = 4096, statsInterval: Duration = .seconds(1), limits: ControlLimits = .standard
    ) async throws(StartError) -> ControlServer {
        let lock: ControlSocketLock
        do {
            let prepared = try ControlSocketFile.prepare(path)
            lock = prepared.lock
            if prepared.removedStale {
                logger.info("removed stale control socket", metadata: ["path": "\(path)"])
            }
        } catch {
            throw StartError(description: error.description)
        }
        let hub = SubscriberHub(service: service)
        let channel: any Channel
        do {
            channel = try await bootstrap(
                group: group, service: service, hub: hub, access: access, queue: subscriberQueue, limits: limits, logger: logger
            ).bind(unixDomainSocketPath: path).get()
        } catch {
            lock.release()
            throw StartError(description: "cannot open the control socket \(path): \(error)")
        }
        do {
            try ControlSocketFile.restrict(path, observers: access.observerGroup)
        } catch {
            try? await channel.close()
            ControlSocketFile.remove(path, inode: ControlSocketFile.inode(of: path))
            lock.release()
            throw StartError(description: error.description)
        }
        service.provider.observe({ hub.publish($0) }, demand: hub.demand)
        service.notices.observe { notice, at in hub.publish(notice, at: at) }
        service.host?.observe { hub.publishHost($0) }
        let tick = TimeAmount.nanoseconds(statsInterval.nanosecondsClamped)
        let statsTask = channel.eventLoop.scheduleRepeatedTask(initialDelay: tick, delay: tick) { _ in
            service.notices.flush()
            hub.publishStats()
        }
        return ControlServer(
            path: path, channel: channel, hub: hub, statsTask: statsTask, inode: ControlSocketFile.inode(of: path),
            lock: lock, service: service)
    }

    private static func bootstrap(
        group: any EventLoopGroup, service: ControlService, hub: SubscriberHub, access: AccessPolicy, queue: Int,
        limits: ControlLimits, logger: Logger
    ) -> ServerBootstrap {
        ServerBootstrap(group: group)
            // A client that half-closes still gets the answers to what it sent (then the close).
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { channel in
                guard let options = channel as? any SocketOptionProvider else {
                    return channel.close()
                }
                let peerCredentials: EventLoopFuture<PeerCredentials.Raw> = options.unsafeGetSocketOption(
                    level: .socket, name: NIOBSDSocket.Option(rawValue: SO_PEERCRED))
                return peerCredentials.flatMapThrowing { credentials in
                    let peer = PeerCredentials(credentials)
                    let pipeline = channel.pipeline.syncOperations
                    guard let role = access.role(for: peer) else {
                        logger.warning("control connection refused", metadata: ["peer": "\(peer)"])
                        service.refused("\(peer.person) may not use the control socket: connection refused")
                        try pipeline.addHandler(RefusalHandler(ControlError(.forbidden, access.refusal(for: peer))))
                        return
                    }
                    guard hub.admit(limit: limits.maxConnections) else {
                        turnAway(peer, limits: limits, hub: hub, service: service, logger: logger)
                        try pipeline.addHandler(RefusalHandler(ControlError(
                            .tooManyConnections,
                            "this usher serves at most \(limits.maxConnections) control connections at once and all are open; close one, or start usher with a higher --max-control-connections")))
                        return
                    }
                    channel.closeFuture.whenComplete { _ in hub.release() }
                    try pipeline.addHandlers(
                        IdleStateHandler(readTimeout: TimeAmount.nanoseconds(limits.idleTimeout.nanosecondsClamped)),
                        ByteToMessageHandler(BoundedLineDecoder(maximum: ControlProtocol.maximumRequestLine)),
                        ControlConnectionHandler(
                            service: service, hub: hub, peer: peer, role: role, queueCapacity: queue,
                            idleTimeout: limits.idleTimeout, logger: logger))
                }
            }
    }

    /// A connection over the limit: a warning the first time and then at most every 10 s with
    /// the count, and a notice to operators.
    private static func turnAway(
        _ peer: PeerCredentials, limits: ControlLimits, hub: SubscriberHub, service: ControlService, logger: Logger
    ) {
        guard let count = hub.turnAway(logEvery: .seconds(10)) else { return }
        logger.warning("control connection limit reached", metadata: [
            "max_control_connections": "\(limits.maxConnections)", "turned_away": "\(count)", "peer": "\(peer)",
        ])
        service.notices.post(WireNotice(
            source: "control", level: .warning,
            text: "\(limits.maxConnections) control connections open: \(count) more turned away (--max-control-connections)"))
    }

    /// Control connections open now.
    public var connectionCount: Int { hub.counts.connections }

    /// Stops accepting, sends every client a `bye` line with `reason` (and the `successor` that
    /// serves the socket next, after a restart), closes, and removes the socket file.
    public func close(reason: String, successor: Int32? = nil) async {
        guard !closed.exchange(true, ordering: .relaxed) else { return }
        statsTask.cancel()
        try? await channel.close()
        try? await hub.closeAll(saying: WireBye(reason: reason, successor: successor), on: channel.eventLoop).get()
        ControlSocketFile.remove(path, inode: inode)
        lock.release()
    }
}
