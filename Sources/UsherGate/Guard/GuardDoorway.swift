import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import UsherCore
import UsherKernel

/// The guard's IO around a ``GuardDoor``: the netfilter queue it reads SYNs from, the firewall
/// chain that sends them there, the thread that reads them, and a sweep every 100 ms that
/// advances the core's clock and withdraws clients that stopped retransmitting.
final class GuardDoorway: Sendable {
    let socket: NFQueueSocket
    let firewall: GuardFirewall
    private let reading: NIOLockedValueBox<Bool>
    private let readerDone: DispatchSemaphore
    private let sweep: RepeatedTask
    private let logger: Logger

    private init(
        socket: NFQueueSocket, firewall: GuardFirewall, reading: NIOLockedValueBox<Bool>, readerDone: DispatchSemaphore,
        sweep: RepeatedTask, logger: Logger
    ) {
        self.socket = socket
        self.firewall = firewall
        self.reading = reading
        self.readerDone = readerDone
        self.sweep = sweep
        self.logger = logger
    }

    /// Removes the chains of guards that died, then binds a queue for `configuration`.
    static func openQueue(_ configuration: GuardConfiguration, logger: Logger) throws(NetfilterError) -> NFQueueSocket {
        for chain in GuardFirewall.removeStale() {
            logger.notice("removed a stale guard chain", metadata: ["chain": "\(chain)", "note": "its usher is gone"])
        }
        return try NFQueueSocket(
            range: configuration.queueRange,
            maximumLength: UInt32(clamping: configuration.provider.maxPending * configuration.ports.count + 1024),
            failOpen: configuration.failOpen)
    }

    /// The door for `configuration`'s ports, the first of which is the core's listener `first`,
    /// sending its verdicts on `socket`.
    static func door(for configuration: GuardConfiguration, firstListener first: Int, socket: NFQueueSocket) -> GuardDoor {
        let mark = rejectMark
        let listeners = Dictionary(
            configuration.ports.enumerated().map { ($1, ListenerID(first + $0)) }, uniquingKeysWith: { first, _ in first })
        return GuardDoor(listeners: listeners, rejectWith: configuration.rejectWith) { verdict in
            switch verdict.verdict {
            case .accept: socket.verdict(.accept, packet: verdict.packet)
            case .refuse: socket.verdict(.repeat, packet: verdict.packet, mark: mark)
            case .drop: socket.verdict(.drop, packet: verdict.packet)
            }
        }
    }

    /// The mark a refused SYN is sent through the hook again with: the chain's first rule
    /// answers it with a reset. One per daemon.
    static var rejectMark: UInt32 { 0x7500_0000 | (UInt32(truncatingIfNeeded: getpid()) & 0x00FF_FFFF) }

    /// Installs the chain and starts reading SYNs into `host` through `door`; on failure,
    /// unbinds the queue.
    static func start(
        _ configuration: GuardConfiguration, socket: NFQueueSocket, door: GuardDoor, host: any GuardHost,
        on group: any EventLoopGroup, logger: Logger
    ) throws(NetfilterError) -> GuardDoorway {
        let firewall: GuardFirewall
        do {
            firewall = try GuardFirewall.install(
                ports: configuration.ports, address: configuration.address, queue: socket.queue, rejectMark: rejectMark,
                failOpen: configuration.failOpen)
        } catch {
            socket.unbind()
            throw error
        }
        let reading = NIOLockedValueBox(true)
        let readerDone = DispatchSemaphore(value: 0)
        let reader = Thread {
            defer { readerDone.signal() }
            while reading.withLockedValue({ $0 }) {
                do {
                    for packet in try socket.receive() {
                        guard let segment = door.segmentToHold(packet) else { continue }
                        host.stepThroughDoor { core in door.received(segment, packet: packet.id, core: &core, at: .now) }
                    }
                } catch {
                    logger.error("the netfilter queue cannot be read", metadata: [
                        "error": "\(error)", "note": "connection requests to the guarded ports pass unguarded (--fail open) or are dropped",
                    ])
                    return
                }
            }
        }
        reader.name = "usher-guard"
        reader.start()
        let sweep = group.next().scheduleRepeatedTask(initialDelay: .milliseconds(100), delay: .milliseconds(100)) { _ in
            host.stepThroughDoor { core in
                let now = Moment.now
                var output = core.advance(to: now)
                output.append(contentsOf: door.sweep(core: &core, at: now))
                return output
            }
        }
        return GuardDoorway(socket: socket, firewall: firewall, reading: reading, readerDone: readerDone, sweep: sweep, logger: logger)
    }

    /// Removes the chain (from then on SYNs reach the servers unguarded), stops reading and
    /// unbinds the queue.
    func close() async {
        firewall.remove()
        reading.withLockedValue { $0 = false }
        let done = readerDone
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                _ = done.wait(timeout: .now() + 2)
                continuation.resume()
            }
        }
        sweep.cancel()
        socket.unbind()
        logger.info("guard chain removed", metadata: ["chain": "\(firewall.chain)", "queue": "\(socket.queue)"])
    }
}
