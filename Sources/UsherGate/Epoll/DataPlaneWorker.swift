import Foundation
import UsherCore
import UsherDataPlane

/// One thread of the data plane: its ``EventLoop`` and what lives on it, the held clients and
/// their relays. Touched on the loop's thread only, except ``loop``'s thread-safe entry points.
final class DataPlaneWorker: @unchecked Sendable {
    /// Its place among the engine's workers.
    let index: Int
    let loop: EventLoop
    /// The connections on this worker's loop.
    var held: [RequestID: EngineConnection] = [:]
    let pool = BufferPool()

    /// A worker whose loop runs on a new thread named `usher-data-<index>`.
    init(index: Int) throws(DataPlaneError) {
        self.index = index
        loop = try EventLoop()
        let loop = self.loop
        let thread = Thread { loop.run(threadName: "usher-data-\(index)") }
        thread.start()
    }
}
