import CEpoll
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals
import UsherControl
import UsherWire

/// On SIGUSR2 (what `usher restart` sends), starts the usher binary again, by the path this one
/// was started with (after an upgrade, the new binary), with the same arguments and
/// `--takeover`: the new process takes over from this one (``HandOverServer``). A new process
/// that exits before it has taken over is reported, and this one goes on serving.
struct RestartService: Service {
    /// SIGUSR2, trapped before the daemon says it is ready (untrapped, it would stop usher).
    let signals: UnixSignalsSequence
    /// The binary to start: this one's path as started, made absolute.
    let executable: String
    /// This usher's arguments, after the binary's path.
    let arguments: [String]
    let handOver: HandOverServer
    /// systemd's `$NOTIFY_SOCKET` (taken out of this process's environment): the new process
    /// gets it, to tell systemd it is the main process now.
    let notifySocket: String?
    let notices: NoticeBoard
    let logger: Logger

    func run() async throws {
        for await _ in signals.cancelOnGracefulShutdown() {
            guard !handOver.handedOver.load(ordering: .relaxed) else { continue }
            start()
        }
    }

    private func start() {
        let words = [executable] + arguments.filter { $0 != "--takeover" } + ["--takeover"]
        var environment = ProcessInfo.processInfo.environment
        if let notifySocket { environment["NOTIFY_SOCKET"] = notifySocket }
        // The watchdog is the new main process's to keep (WATCHDOG_PID names this one).
        environment["WATCHDOG_PID"] = nil
        var cWords = words.map { strdup($0) }
        cWords.append(nil)
        var cEnvironment = environment.map { strdup("\($0.key)=\($0.value)") }
        cEnvironment.append(nil)
        let pid = usher_spawn_detached(executable, cWords, cEnvironment)
        let failure = errno
        for word in cWords + cEnvironment { free(word) }
        guard pid > 0 else {
            failed("cannot start \(executable): \(String(cString: strerror(failure)))")
            return
        }
        logger.notice("restarting", metadata: ["successor": "\(pid)", "executable": "\(executable)"])
        notices.post(WireNotice(source: "restart", level: .notice, text: "starting \(executable) as pid \(pid) to take over"), always: true)
        let thread = Thread { [self] in watch(pid) }
        thread.name = "usher-restart"
        thread.start()
    }

    /// Waits for the new process; one that ends before this usher handed over failed.
    private func watch(_ pid: Int32) {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        guard !handOver.handedOver.load(ordering: .relaxed) else { return }
        let exit = status & 0x7f == 0 ? "exit status \((status >> 8) & 0xff)" : "signal \(status & 0x7f)"
        failed("the new usher (pid \(pid)) ended with \(exit) before it took over; its log says why")
    }

    private func failed(_ reason: String) {
        logger.error("restart failed", metadata: ["reason": "\(reason)", "note": "this usher goes on serving"])
        notices.post(WireNotice(source: "restart", level: .warning, text: "restart failed, this usher (pid \(getpid())) goes on serving: \(reason)"), always: true)
    }

    /// This process's binary as it was started (`argv[0]`), absolute; the path still names the
    /// binary installed there after an upgrade, where `/proc/self/exe` would name the old one.
    static func startedExecutable() -> String {
        let first = CommandLine.arguments.first ?? "usher"
        if first.hasPrefix("/") { return first }
        if first.contains("/") { return FileManager.default.currentDirectoryPath + "/" + first }
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(folder)/\(first)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? first
    }
}
