import Foundation
import Synchronization
import UsherDataPlane
import UsherTestSupport

extension EventLoop {
    /// A loop running on a thread of its own, until ``stop()``.
    static func started() throws -> EventLoop {
        let loop = try EventLoop()
        Thread { loop.run() }.start()
        return loop
    }

    /// Runs `body` on the loop and returns once it has run.
    func perform(_ body: @escaping @Sendable () -> Void) async throws {
        let done = Atomic<Bool>(false)
        execute {
            body()
            done.store(true, ordering: .sequentiallyConsistent)
        }
        try await poll("the loop to run a task", timeout: .seconds(5)) { done.load(ordering: .sequentiallyConsistent) }
    }
}
