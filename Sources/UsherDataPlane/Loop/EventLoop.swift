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
/// ``execute(_:)`` and an eventfd; work the loop gives itself runs after the batch of events
/// it is handling, before the loop waits again, with no system call.
///
/// A descriptor closed through ``close(_:)`` or ``reset(_:)`` leaves the epoll set with the
/// close itself (no `epoll_ctl`). Each registration is numbered, so an event reported for a
/// closed descriptor never reaches the handler of a new socket that got the same number.
///
/// Only ``execute(_:)`` and ``stop()`` may be called from other threads; everything else runs
/// on the loop's thread (from a handler or a task).
public final class EventLoop: @unchecked Sendable {
    private let epoll: Int32
    private let wakeup: Int32
    private let tasks = Mutex<[Task]>([])
    /// The batch of tasks being run (empty between batches).
    private var running: [Task] = []
    /// The thread running ``run(threadName:)``, 0 before it starts.
    private let thread = Atomic<UInt>(0)
    /// The loop queued work for itself: it runs before the next wait.
    private var tasksFromLoop = false
    private var registrations = RegistrationTable()
    private var nextRegistration: UInt32 = 0
    private var stopped = false
    private var timers = TimerQueue<ContinuousClock.Instant>()
    private var swept = SweepList()
    private var sweepTimer: TimerID?

    /// How often ``Swept`` objects are looked at.
    public static let sweepInterval = Duration.milliseconds(100)

    // A closure in a struct: collections store it as it is, with no thunk (and no allocation)
    // around it to fit their generic element.
    private struct Task {
        let run: @Sendable () -> Void
    }

    /// A scheduled task, to cancel it.
    public typealias TimerID = TimerQueue<ContinuousClock.Instant>.TimerID

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
        var event = epoll_event(events: usher_epollin, data: epoll_data_t(u64: UInt64(UInt32(bitPattern: wakeup))))
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

    /// Watches `descriptor` for ``allEvents`` until ``deregister(_:)``, ``close(_:)`` or
    /// ``reset(_:)``; `handler` is kept.
    public func register(_ descriptor: Int32, tag: Int = 0, handler: any ReadinessHandler) throws(DataPlaneError) {
        nextRegistration &+= 1
        let data = UInt64(nextRegistration) << 32 | UInt64(UInt32(bitPattern: descriptor))
        var event = epoll_event(events: Self.allEvents, data: epoll_data_t(u64: data))
        guard epoll_ctl(epoll, EPOLL_CTL_ADD, descriptor, &event) == 0 else { throw DataPlaneError("epoll_ctl") }
        registrations[descriptor] = Registration(handler: handler, tag: tag, number: nextRegistration)
    }

    /// Gives a registered descriptor to another handler without a system call (a held
    /// connection becoming half of a relay, say); `false` when it is not registered.
    @discardableResult
    public func adopt(_ descriptor: Int32, tag: Int = 0, handler: any ReadinessHandler) -> Bool {
        guard let registration = registrations[descriptor] else { return false }
        registrations[descriptor] = Registration(handler: handler, tag: tag, number: registration.number)
        return true
    }

    /// Runs `task` on the loop after `delay`; on the loop's thread only.
    @discardableResult
    public func schedule(in delay: Duration, _ task: @escaping () -> Void) -> TimerID {
        timers.schedule(at: .now + delay, task)
    }

    /// Cancels a task ``schedule(in:_:)`` has not run yet, and lets go of it.
    public func cancel(_ timer: TimerID) {
        timers.cancel(timer)
    }

    /// Looks at `object` every ``sweepInterval`` until ``stopSweeping(_:)`` (it is kept until
    /// then); on the loop's thread only.
    public func startSweeping(_ object: any Swept) {
        swept.add(object)
        guard sweepTimer == nil else { return }
        sweepTimer = schedule(in: Self.sweepInterval) { [self] in sweep() }
    }

    /// No more looks at `object`.
    public func stopSweeping(_ object: any Swept) {
        swept.remove(object)
    }

    private func sweep() {
        sweepTimer = nil
        let now = ContinuousClock.now
        // The objects as they were: a look may take one out.
        for object in swept.objects where object.sweepSlot != nil { object.sweep(now: now) }
        if !swept.isEmpty { sweepTimer = schedule(in: Self.sweepInterval) { [self] in sweep() } }
    }

    /// Stops watching `descriptor`, which stays open.
    public func deregister(_ descriptor: Int32) {
        guard registrations[descriptor] != nil else { return }
        registrations[descriptor] = nil
        _ = epoll_ctl(epoll, EPOLL_CTL_DEL, descriptor, nil)
    }

    /// Stops watching `descriptor` and closes it: the close takes it out of the epoll set.
    public func close(_ descriptor: Int32) {
        registrations[descriptor] = nil
        _ = Glibc.close(descriptor)
    }

    /// Stops watching `descriptor` and closes it with a reset (``Socket/reset(_:)``).
    public func reset(_ descriptor: Int32) {
        registrations[descriptor] = nil
        Socket.reset(descriptor)
    }

    /// Runs `task` on the loop's thread soon, after what the loop is doing now; safe from any
    /// thread. Tasks run in the order they were given.
    public func execute(_ task: @escaping @Sendable () -> Void) {
        let onLoop = thread.load(ordering: .relaxed) == UInt(pthread_self())
        // A queue that was not empty has its wake-up on the way already.
        let first = tasks.withLock { queue in
            defer { queue.append(Task(run: task)) }
            return queue.isEmpty
        }
        if onLoop {
            tasksFromLoop = true
        } else if first {
            var one: UInt64 = 1
            _ = write(wakeup, &one, 8)
        }
    }

    /// Ends ``run()`` after the tasks queued before it; safe from any thread.
    public func stop() {
        execute { [self] in stopped = true }
    }

    /// Runs until ``stop()``, on the calling thread; `threadName` (15 bytes at most) names the
    /// thread for `top -H` and `ps -L`.
    public func run(threadName: String? = nil) {
        if let threadName { usher_name_thread(threadName) }
        thread.store(UInt(pthread_self()), ordering: .relaxed)
        let capacity = 256
        var events = [epoll_event](repeating: epoll_event(), count: capacity)
        while !stopped {
            let timeout = runDueTimers()
            // Handlers, tasks and timers may have given the loop work: it runs before any wait.
            if tasksFromLoop {
                runTasks()
                continue
            }
            let count = events.withUnsafeMutableBufferPointer { epoll_wait(epoll, $0.baseAddress, Int32(capacity), timeout) }
            guard count >= 0 else {
                if errno == EINTR { continue }
                return
            }
            for index in 0..<Int(count) {
                dispatch(events[index])
            }
        }
    }

    private func dispatch(_ event: epoll_event) {
        let descriptor = Int32(bitPattern: UInt32(truncatingIfNeeded: event.data.u64))
        if descriptor == wakeup {
            var counter: UInt64 = 0
            _ = read(wakeup, &counter, 8)
            runTasks()
        } else if let registration = registrations[descriptor], registration.number == UInt32(event.data.u64 >> 32) {
            registration.handler.ready(event.events, tag: registration.tag)
        }
    }

    /// Runs the timers that are due; the milliseconds until the next one (-1: none).
    private func runDueTimers() -> Int32 {
        guard timers.count > 0 else { return -1 }
        let now = ContinuousClock.now
        while let task = timers.popDue(at: now) { task() }
        guard let next = timers.nextDue() else { return -1 }
        let (seconds, attoseconds) = (next - .now).components
        return Int32(min(3_600_000, max(0, seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1)))
    }

    private func runTasks() {
        tasksFromLoop = false
        // The queue and the batch trade places, so neither is copied nor allocated again.
        tasks.withLock { queue in swap(&queue, &running) }
        for task in running { task.run() }
        running.removeAll(keepingCapacity: true)
    }
}
