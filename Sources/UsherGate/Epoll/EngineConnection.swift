import Synchronization
import UsherCore
import UsherDataPlane

/// One client connection of the engine on its worker: the ``HeldClient`` that carries it and
/// what its connect attempts need, in one object, so that a connection costs one look-up by
/// request ID per action and its callbacks capture this one reference (no closure context).
/// Touched on its worker's loop only.
final class EngineConnection {
    let engine: EpollEngine
    let id: RequestID
    let worker: DataPlaneWorker
    /// Where it goes once accepted: its listener's upstream.
    let upstream: UsherDataPlane.SocketAddress
    /// Set once the client is registered with the loop.
    var client: HeldClient?
    /// When the connect attempts have to give up, while connecting.
    var connectDeadline: ContinuousClock.Instant?
    /// The pause before the next attempt after a failure that is no fault of the upstream.
    var connectBackoff = Duration.milliseconds(50)

    init(engine: EpollEngine, id: RequestID, worker: DataPlaneWorker, upstream: UsherDataPlane.SocketAddress) {
        self.engine = engine
        self.id = id
        self.worker = worker
        self.upstream = upstream
        worker.connectionObjects.add(1, ordering: .relaxed)
    }

    deinit {
        worker.connectionObjects.subtract(1, ordering: .relaxed)
    }

    /// The client's callbacks, each reporting to the engine.
    var events: HeldClient.Events {
        HeldClient.Events(
            received: { [self] bytes in engine.received(bytes, on: self) },
            finishedSending: { [self] in engine.finishedSending(self) },
            upstreamConnected: { [self] in engine.upstreamConnected(self) },
            upstreamFailed: { [self] error in engine.upstreamFailed(self, error) },
            closed: { [self] ending in
                engine.closed(self, transferred: ending.map { Transferred(toUpstream: $0.1.toUpstream, toClient: $0.1.toClient) })
            })
    }
}
