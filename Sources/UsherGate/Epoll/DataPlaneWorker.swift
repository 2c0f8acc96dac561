import Foundation
import Synchronization
import UsherCore
import UsherDataPlane

/// What the engine asks of a worker for a connection, in the core's order.
enum WorkerCommand {
    /// Hold a connection the core queued (before any action for it).
    case hold(descriptor: Int32, id: RequestID, listener: ListenerID)
    /// Carry out one of the core's actions.
    case perform(ConnectionAction, id: RequestID)
    /// Hold a client the previous usher held (a restart).
    case adopt(HeldClient.HandedOver, id: RequestID, listener: ListenerID)
    /// Relay a pair the previous usher relayed (a restart).
    case adoptRelay(Relay.HandedOverPair, id: RequestID)
}

/// Carries out a worker's commands on its loop.
protocol WorkerCommandHandler: AnyObject {
    func carryOut(_ command: WorkerCommand, on worker: DataPlaneWorker)
}

/// One thread of the data plane: its ``EventLoop`` and what lives on it, the held clients and
/// their relays. Touched on the loop's thread only, except ``loop``'s thread-safe entry points
/// and ``post(_:)``.
final class DataPlaneWorker: @unchecked Sendable {
    /// Its place among the engine's workers.
    let index: Int
    let loop: EventLoop
    /// The connections on this worker's loop.
    var held: [RequestID: EngineConnection] = [:]
    let pool = BufferPool()
    /// ``EngineConnection``s alive, counted as they are made and freed.
    let connectionObjects = Atomic<Int>(0)
    /// Who carries out the commands: set before the first is posted, and let go of once the
    /// loop has stopped taking them. (Not a weak reference: one would give the engine a side
    /// table, and every retain of the engine, several per connection, its slow path.)
    var handler: (any WorkerCommandHandler)?
    /// Commands posted and not yet run: values in one queue, so that a command costs no
    /// closure, and a batch of them one task on the loop.
    private let commands = Mutex<[WorkerCommand]>([])
    private var running: [WorkerCommand] = []
    /// The loop task that runs the posted commands, made once.
    private var runCommandsTask: @Sendable () -> Void = {}

    /// A worker whose loop runs on a new thread named `usher-data-<index>`.
    init(index: Int) throws(DataPlaneError) {
        self.index = index
        loop = try EventLoop()
        let loop = self.loop
        let thread = Thread { loop.run(threadName: "usher-data-\(index)") }
        thread.start()
        runCommandsTask = { [unowned self] in runCommands() }
    }

    /// Queues `command` for the loop; safe from any thread. Commands run in the order posted.
    func post(_ command: WorkerCommand) {
        let first = commands.withLock { queue in
            defer { queue.append(command) }
            return queue.isEmpty
        }
        if first { loop.execute(runCommandsTask) }
    }

    private func runCommands() {
        commands.withLock { queue in swap(&queue, &running) }
        guard let handler else { return running.removeAll(keepingCapacity: true) }
        for command in running { handler.carryOut(command, on: self) }
        running.removeAll(keepingCapacity: true)
    }
}
