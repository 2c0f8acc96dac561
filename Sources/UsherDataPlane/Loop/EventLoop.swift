import HeapModule
import Synchronization
import CEpoll
#if canImport(Glibc)
import Glibc
#endif

/// Something the loop tells when a descriptor it watches is ready.
public protocol ReadinessHandler: AnyObject {
    /// `events` are the epoll events (`EPOLLIN`, `EPOLLOUT`, `EPOLLRDHUP`, `EPOLLHUP`,
    /// `EPOLLERR`) of the descriptor registered with `tag`.
    func ready(_ events: UInt32, tag: Int)
}

/// One thread's event loop for the data plane: edge-triggered epoll, every descriptor
/// registered once for everything it may need (`EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET`), so
/// that no `epoll_ctl` is spent per read or write. Work from other threads arrives through
/// ``execute(_:)`` and an eventfd.
///
/// Only ``execute(_:)`` and ``stop()`` may be called from other threads; everything else runs
/// on the loop's thread (from a handler or a task).
public final class EventLoop: @unchecked Sendable {
    private let epoll: Int32
    private let wakeup: Int32
    private let tasks = Mutex<[@Sendable () -> Void]>([])
    private var registrations: [Int32: (handler: any ReadinessHandler, tag: Int)] = [:]
    private var stopped = false
    private var timers = Heap<Timer>()
    /// The timers scheduled and neither run nor cancelled.
    private var liveTimers: Set<UInt64> = []
    private var nextTimerID: UInt64 = 0

    /// A task due at a time, on the loop.
    private struct Timer: Comparable {
        let due: ContinuousClock.Instant
        let id: UInt64
        let task: () -> Void
        static func < (a: Timer, b: Timer) -> Bool { (a.due, a.id) < (b.due, b.id) }
        static func == (a: Timer, b: Timer) -> Bool { a.id == b.id }
    }

    /// A scheduled task, to cancel it.
    public struct TimerID: Hashable, Sendable {
        let value: UInt64
    }
    /// Descriptors watched now (the eventfd not counted).
    public var registered: Int { registrations.count }

    /// The events every descriptor is registered for.
    public static let allEvents = usher_epollin | usher_epollout | usher_epollrdhup | usher_epollet

    public init() throws(DataPlaneError) {
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epoll >= 0 else { throw DataPlaneError("epoll_create1") }
        wakeup = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        guard wakeup >= 0 else {
            let error = DataPlaneError("eventfd")
            close(epoll)
            throw error
        }
        var event = epoll_event(events: usher_epollin, data: epoll_data_t(fd: wakeup))
        guard epoll_ctl(epoll, EPOLL_CTL_ADD, wakeup, &event) == 0 else {
            let error = DataPlaneError("epoll_ctl")
            close(wakeup)
            close(epoll)
            throw error
        }
    }

    deinit {
        close(wakeup)
        close(epoll)
    }

    /// Watches `descriptor` for ``allEvents`` until ``deregister(_:)``; `handler` is kept.
    public func register(_ descriptor: Int32, tag: Int = 0, handler: any ReadinessHandler) throws(DataPlaneError) {
        var event = epoll_event(events: Self.allEvents, data: epoll_data_t(fd: descriptor))
        guard epoll_ctl(epoll, EPOLL_CTL_ADD, descriptor, &event) == 0 else { throw DataPlaneError("epoll_ctl") }
        registrations[descriptor] = (handler, tag)
    }

    /// Gives a registered descriptor to another handler without a system call (a held
    /// connection becoming half of a relay, say); `false` when it is not registered.
    @discardableResult
    public func adopt(_ descriptor: Int32, tag: Int = 0, handler: any ReadinessHandler) -> Bool {
        guard registrations[descriptor] != nil else { return false }
        registrations[descriptor] = (handler, tag)
        return true
    }

    /// Runs `task` on the loop after `delay`; on the loop's thread only.
    @discardableResult
    public func schedule(in delay: Duration, _ task: @escaping () -> Void) -> TimerID {
        nextTimerID += 1
        timers.insert(Timer(due: .now + delay, id: nextTimerID, task: task))
        liveTimers.insert(nextTimerID)
        return TimerID(value: nextTimerID)
    }

    /// Cancels a task ``schedule(in:_:)`` has not run yet.
    public func cancel(_ timer: TimerID) {
        liveTimers.remove(timer.value)
    }

    /// Stops watching `descriptor` (before it is closed).
    public func deregister(_ descriptor: Int32) {
        guard registrations.removeValue(forKey: descriptor) != nil else { return }
        _ = epoll_ctl(epoll, EPOLL_CTL_DEL, descriptor, nil)
    }

    /// Runs `task` on the loop's thread soon; safe from any thread.
    public func execute(_ task: @escaping @Sendable () -> Void) {
        tasks.withLock { $0.append(task) }
        var one: UInt64 = 1
        _ = write(wakeup, &one, 8)
    }

    /// Ends ``run()`` after the tasks queued before it; safe from any thread.
    public func stop() {
        execute { [self] in stopped = true }
    }

    /// Runs until ``stop()``, on the calling thread; `threadName` (15 bytes at most) names the
    /// thread for `top -H` and `ps -L`.
    public func run(threadName: String? = nil) {
        if let threadName { usher_name_thread(threadName) }
        let capacity = 256
        var events = [epoll_event](repeating: epoll_event(), count: capacity)
        while !stopped {
            let timeout = runDueTimers()
            let count = events.withUnsafeMutableBufferPointer { epoll_wait(epoll, $0.baseAddress, Int32(capacity), timeout) }
            guard count >= 0 else {
                if errno == EINTR { continue }
                return
            }
            for index in 0..<Int(count) {
                let descriptor = events[index].data.fd
                if descriptor == wakeup {
                    runTasks()
                } else if let registration = registrations[descriptor] {
                    registration.handler.ready(events[index].events, tag: registration.tag)
                }
            }
        }
    }

    /// Runs the timers that are due; the milliseconds until the next one (-1: none).
    private func runDueTimers() -> Int32 {
        while let first = timers.min {
            guard liveTimers.contains(first.id) else {
                _ = timers.popMin()
                continue
            }
            let left = first.due - .now
            guard left <= .zero else {
                let (seconds, attoseconds) = left.components
                return Int32(min(3_600_000, seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1))
            }
            _ = timers.popMin()
            liveTimers.remove(first.id)
            first.task()
        }
        return -1
    }

    private func runTasks() {
        var counter: UInt64 = 0
        _ = read(wakeup, &counter, 8)
        let queued = tasks.withLock { queue in
            defer { queue.removeAll(keepingCapacity: true) }
            return queue
        }
        for task in queued { task() }
    }
}
