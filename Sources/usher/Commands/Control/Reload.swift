import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import UsherControl
import UsherWire

/// `usher reload`.
struct Reload: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make the daemon read its configuration file again (as SIGHUP does), and say what changed.",
        discussion: """
            New listeners bind and take connections; listeners the file no longer names stop \
            taking connections, and the requests they queued are still decided and their \
            proxied connections finish; changed settings (policy, pending timeout, timeout \
            action, limits, reject mode and message, each listener's upstream) apply to new \
            requests; the rules file is read again. Settings such as the control socket or \
            the journal are in force once usher starts again: the answer names them.

            A file with a problem, or a listener that cannot bind, changes nothing: the \
            reason is printed (exit 1), logged, and sent to every watcher and dashboard. A \
            daemon without a configuration file reads its rules file again.

            Exit status: 0 once reloaded, 1 when refused, 69 when no daemon answers.
            """)

    @OptionGroup var control: ControlOptions

    func run() async throws {
        let (text, reloaded) = try await ControlSession.run(control) { client in
            let hello = try await ControlSession.operatorHello(client, may: "reload")
            if hello.configurationFile == nil, try await client.rules().file == nil {
                throw CommandFailure(
                    "this usher has neither a configuration file nor a rules file to read again; start it with --config FILE", code: .runtime)
            }
            try await ControlSession.subscribeAndSignal(client, hello, SIGHUP)
            while let line = try await client.next() {
                guard case .event(let event) = line.message,
                      let outcome = Self.outcome(of: event, configured: hello.configurationFile != nil) else { continue }
                return outcome
            }
            throw CommandFailure("usher closed the connection before it said how the reload went", code: .runtime)
        }
        guard reloaded else { throw CommandFailure(text, code: .runtime) }
        StandardOutput.writeLine(text)
    }

    /// What a reload's notice (or, without a configuration file, its rules event) says.
    private static func outcome(of event: WireEvent, configured: Bool) -> (String, Bool)? {
        switch event.detail {
        case .notice(let notice) where notice.source == "configuration":
            return (notice.text, notice.level != .warning)
        case .rules(let rules) where rules.change == "reloaded" && !configured:
            return ("\(rules.file ?? "rules"): \(rules.rules ?? 0) rules in force", true)
        case .rules(let rules) where rules.change == "refused" && !configured:
            return ("\(rules.file ?? "rules") refused, the old rules stay: \(rules.reason ?? "")", false)
        default:
            return nil
        }
    }
}
