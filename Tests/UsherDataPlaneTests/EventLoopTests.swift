import Glibc
import Synchronization
import Testing
import UsherDataPlane
import UsherTestSupport

@Suite("The data plane's event loop", .timeLimit(.minutes(1)))
struct EventLoopTests {
    @Test("work the loop gives itself runs after the task that gave it, in order, also from a timer")
    func workFromTheLoop() async throws {
        let loop = try EventLoop.started()
        defer { loop.stop() }
        let order = Mutex<[String]>([])
        try await loop.perform {
            loop.execute { order.withLock { $0.append("second") } }
            order.withLock { $0.append("first") }
            loop.schedule(in: .milliseconds(5)) {
                loop.execute { order.withLock { $0.append("from the timer") } }
            }
        }
        // Nothing else wakes the loop: the timer's work must run before the loop waits again.
        try await poll("the timer's task", timeout: .seconds(5)) { order.withLock { $0.count } == 3 }
        #expect(order.withLock { $0 } == ["first", "second", "from the timer"])
    }

    @Test("a descriptor closed through the loop leaves it; its number, reused, is registered anew and heard")
    func closedDescriptorsAreForgotten() async throws {
        let loop = try EventLoop.started()
        defer { loop.stop() }
        let first = Recorder(), second = Recorder()
        let outcome = Mutex<(added: Bool, registered: Int, socket: Int32, peer: Int32)>((false, -1, -1, -1))
        try await loop.perform {
            var pair: [Int32] = [0, 0], again: [Int32] = [0, 0]
            guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0 else { return }
            try? loop.register(pair[0], handler: first)
            loop.close(pair[0])
            let afterClose = loop.registered
            guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &again) == 0 else { return }
            // The lowest free number is the one just closed (unless another thread took it first);
            // adding it fails if epoll still had it.
            let added = (try? loop.register(again[0], handler: second)) != nil
            outcome.withLock { $0 = (added, afterClose, again[0], again[1]) }
            Glibc.close(pair[1])
        }
        let (added, registered, socket, peer) = outcome.withLock { $0 }
        #expect(added, "the new socket registered (with the closed one's number, when it came back)")
        #expect(registered == 0)
        _ = Glibc.write(peer, "x", 1)
        try await poll("the new socket's handler", timeout: .seconds(5)) { second.calls.load(ordering: .relaxed) > 0 }
        #expect(first.calls.load(ordering: .relaxed) == 0, "the closed socket's handler hears nothing")
        Glibc.close(peer)
        try await loop.perform { loop.close(socket) }
    }

    @Test("a cancelled timer lets go of its task at once, long before it would have been due")
    func cancelledTimersLetGo() async throws {
        let loop = try EventLoop.started()
        defer { loop.stop() }
        final class Held: Sendable {}
        let released = Mutex(false)
        try await loop.perform {
            var held: Held? = Held()
            weak let watched = held
            let timer = loop.schedule(in: .seconds(3600)) { [held] in _ = held }
            held = nil
            loop.cancel(timer)
            released.withLock { $0 = watched == nil }
        }
        #expect(released.withLock { $0 }, "what the cancelled task captured is freed")
    }

    private final class Recorder: ReadinessHandler, @unchecked Sendable {
        let calls = Atomic<Int>(0)
        func ready(_ events: UInt32, tag: Int) { calls.add(1, ordering: .relaxed) }
    }
}
