import ArgumentParser

/// `--notify`: a command run when a request starts waiting for an operator.
struct NotifyOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Run this command when a request starts waiting for an operator, with the request in USHER_* variables and as JSON on standard input (no shell: write 'sh -c \"…\"' for one).",
            valueName: "command"),
        transform: NotifyOptions.command)
    var notify: NotifyCommand?

    @Option(
        help: ArgumentHelp("At most this many --notify runs per duration; the requests between are counted in the next run's USHER_WAITING. (default: 1/5s)", valueName: "runs/duration"),
        transform: { try NotifyRate($0) })
    var notifyRate = NotifyRate(count: 1, period: .seconds(5))

    func validate() throws {
        if let notify, notify.executable() == nil {
            throw ValidationError("--notify: no program '\(notify.words[0])' (give its path, or put it on PATH)")
        }
    }

    static func command(_ text: String) throws -> NotifyCommand {
        do throws(NotifyCommand.ParseError) {
            return try NotifyCommand(text)
        } catch {
            throw ValidationError("--notify: \(error.description)")
        }
    }
}
