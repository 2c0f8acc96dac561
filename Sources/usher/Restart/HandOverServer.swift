import Foundation
import Logging
import Synchronization
import UsherControl
import UsherCore
import UsherDataPlane
import UsherGate
import UsherWire

/// The running usher's side of a restart: it listens for its successor (an abstract socket named
/// after the control socket; only its own user and root may connect), and hands it everything:
/// the listening sockets, then every held client and proxied pair with its request. Once the
/// successor has taken it all, this usher lets go of the control socket and stops (what it could
/// not hand over, connections being connected or turned away, finishes first). If the successor
/// fails on the way, this usher takes everything back and goes on serving.
final class HandOverServer: Sendable {
    private let gate: Gate
    private let control: ControlServer
    private let notices: NoticeBoard
    private let logger: Logger
    /// The sockets systemd passed: their names go with them.
    private let systemd: SystemdSockets
    private let listening: Int32
    /// Set once everything was handed over: this usher is on its way out.
    let handedOver = Atomic<Bool>(false)
    private let stopped = Atomic<Bool>(false)

    init(gate: Gate, control: ControlServer, notices: NoticeBoard, systemd: SystemdSockets, logger: Logger) throws(HandOverError) {
        self.gate = gate
        self.systemd = systemd
        self.control = control
        self.notices = notices
        self.logger = logger
        do {
            listening = try HandOverChannel.listen(name: HandOverChannel.name(forControl: control.path))
        } catch {
            throw HandOverError("cannot listen for a successor: \(error)")
        }
    }

    /// Takes successors on a thread of its own, one at a time, until ``stop()``.
    func start() {
        let thread = Thread { [self] in
            while let channel = HandOverChannel.accept(on: listening) {
                serve(channel)
                channel.close()
                if handedOver.load(ordering: .relaxed) { return }
            }
        }
        thread.name = "usher-handover"
        thread.start()
    }

    /// Stops listening for successors.
    func stop() {
        guard !stopped.exchange(true, ordering: .relaxed) else { return }
        shutdown(listening, Int32(SHUT_RDWR))
        Glibc.close(listening)
    }

    private func serve(_ channel: HandOverChannel) {
        channel.setTimeout(seconds: 30)
        guard let uid = channel.peerUID, uid == 0 || uid == getuid() else {
            logger.warning("restart refused", metadata: ["reason": "a process of uid \(channel.peerUID.map(String.init) ?? "?") asked to take over"])
            return
        }
        let successor: Int32
        do {
            let (request, _) = try channel.receive(HandOverMessages.TakeOverRequest.self)
            guard request.version == HandOverMessages.version else {
                try refuse("it speaks hand-over version \(request.version), this usher \(HandOverMessages.version)", on: channel)
                return
            }
            successor = request.pid
        } catch {
            logger.warning("restart refused", metadata: ["reason": "\(error)"])
            return
        }
        guard let handOver = Self.blocking({ await self.gate.beginHandOver() }) ?? nil else {
            try? refuse("this usher runs on USHER_DATA_PATH=nio, which cannot hand connections over", on: channel)
            return
        }
        do {
            try send(handOver, to: channel)
            let (answer, _) = try channel.receive(HandOverMessages.HandOverAnswer.self)
            guard answer.ok else { throw HandOverError("the new usher could not start: \(answer.error ?? "no reason given")") }
        } catch {
            Self.blocking { await self.gate.finishHandOver(handOver, handedOver: false) }
            let text = "restart failed, this usher (pid \(getpid())) goes on serving: \(error)"
            logger.error("restart failed", metadata: ["successor": "\(successor)", "reason": "\(error)", "note": "this usher goes on serving"])
            notices.post(WireNotice(source: "restart", level: .warning, text: text), always: true)
            return
        }
        handedOver.store(true, ordering: .relaxed)
        Self.blocking { await self.gate.finishHandOver(handOver, handedOver: true) }
        let sockets = handOver.listeners.count == 1 ? "1 listening socket" : "\(handOver.listeners.count) listening sockets"
        let text = "pid \(successor) took over from pid \(getpid()): \(sockets), "
            + "\(handOver.pending.count) pending and \(handOver.proxied.count) proxied connections"
        logger.notice("handed over", metadata: [
            "successor": "\(successor)", "listeners": "\(handOver.listeners.count)", "pending": "\(handOver.pending.count)",
            "proxied": "\(handOver.proxied.count)", "note": "this usher stops once what it kept has finished",
        ])
        notices.post(WireNotice(source: "restart", level: .notice, text: text), always: true)
        Self.blocking { await self.control.close(reason: "usher restarted: pid \(successor) serves this socket now", successor: successor) }
        // The successor listens for its own successor under the same name.
        stop()
        try? channel.send(HandOverMessages.HandOverReleased(released: true))
        kill(getpid(), SIGTERM)
    }

    private func refuse(_ reason: String, on channel: HandOverChannel) throws(HandOverError) {
        let header = HandOverMessages.HandOverHeader(
            version: HandOverMessages.version, pid: getpid(), core: CoreHandOver(lastSequence: 0, counters: Counters(), listenerCounters: [:]),
            listeners: [], parked: 0, pending: 0, proxied: 0, refusal: reason)
        try channel.send(header)
    }

    private func send(_ handOver: EngineHandOver, to channel: HandOverChannel) throws(HandOverError) {
        let configured = gate.configuration.listeners.map(\.endpoint.description)
        let listeners = handOver.listeners.map { listener in
            HandOverMessages.ListenerEntry(
                index: listener.id.index, name: gate.listenerNames[listener.id],
                configured: configured.indices.contains(listener.id.index) ? configured[listener.id.index] : gate.listenerNames[listener.id],
                systemd: systemd.name(of: listener.descriptor))
        }
        try channel.send(HandOverMessages.HandOverHeader(
            version: HandOverMessages.version, pid: getpid(), core: handOver.core, listeners: listeners, parked: handOver.parked.count,
            pending: handOver.pending.count, proxied: handOver.proxied.count))
        for listener in handOver.listeners {
            try channel.send(["listener": listener.id.index], descriptors: [listener.descriptor])
        }
        for parked in handOver.parked {
            try channel.send(
                HandOverMessages.ParkedEntry(listener: parked.listener.index, peer: parked.peer, local: parked.local), descriptors: [parked.descriptor])
        }
        for pending in handOver.pending {
            let entry = HandOverMessages.PendingEntry(
                record: pending.record, captured: Data(pending.client.captured), finishedSending: pending.client.clientFinishedSending,
                readTheEnd: pending.client.readTheEnd)
            try channel.send(entry, descriptors: [pending.client.descriptor])
        }
        for proxied in handOver.proxied {
            let pair = proxied.pair
            let entry = HandOverMessages.ProxiedEntry(
                record: proxied.record, toUpstream: Data(pair.toUpstream), toClient: Data(pair.toClient),
                sourcesEnded: pair.sourcesEnded.rawValue, sinksShutDown: pair.sinksShutDown.rawValue, totals: pair.totals)
            try channel.send(entry, descriptors: [pair.client, pair.upstream])
        }
    }

    /// Runs `body` to its end from this thread (one of its own, not the concurrency pool's).
    @discardableResult
    static func blocking<Value: Sendable>(_ body: @escaping @Sendable () async -> Value) -> Value? {
        let result = Mutex<Value?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            let value = await body()
            result.withLock { $0 = value }
            done.signal()
        }
        done.wait()
        return result.withLock { $0 }
    }
}
