import ArgumentParser
import UsherCore
import UsherControl
import UsherWire

/// What `accept`, `reject` and `defer` share: send one decide operation, print one line per
/// request, exit 1 when any could not be decided.
enum Decide {
    static func run(
        _ selection: SelectionOptions, _ decision: DecisionRequest, remember: RememberRequest? = nil,
        extendsTimeout: Bool = false, output: OutputOptions, control: ControlOptions
    ) async throws {
        let operation = selection.operation(decision, remember: remember, extendsTimeout: extendsTimeout)
        let results = try await ControlSession.run(control) { try await $0.decide(operation) }
        if output.json {
            ControlSession.printJSON(results)
        } else if results.isEmpty {
            StandardError.writeLine("No undecided request matches; nothing was decided.")
        }
        var failures = 0
        for result in results {
            if result.ok {
                if !output.json { StandardOutput.writeLine("\(result.request) \(result.state ?? "decided")" + (result.remembered.map { ", remembered as \($0)" } ?? "")) }
                if let why = result.notRemembered, !output.json { StandardError.writeLine("usher: \(result.request): not remembered: \(why)") }
            } else {
                failures += 1
                if !output.json { StandardError.writeLine("usher: \(result.error ?? "\(result.request): not decided")") }
            }
        }
        if failures > 0 {
            throw ExitCode(CommandFailure.Code.runtime.rawValue)
        }
    }

    static let exitStatus = """
        Exit status: 0 when every request named was decided, 1 when one was not (unknown, \
        already decided, or refused), 64 for a usage error, 69 when no daemon answers.
        """
}

/// `usher accept`.
struct Accept: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Accept pending requests: their connections go to the upstream, caller data first.",
        discussion: """
            Each request named is handed to the upstream; the client's connection is \
            proxied from then on. A request another operator (or the timeout) decided first \
            is reported, and the others are still accepted.

            Examples:
              usher accept r17
              usher accept r17 r18 r21
              usher accept all                      every undecided request
              usher accept all --peer 10.0.0.0/8    every one from that network
              usher accept --listener 8443
              usher accept r17 --remember peer --for 1h   its address, for an hour

            \(Decide.exitStatus)
            """)

    @OptionGroup var selection: SelectionOptions
    @OptionGroup var memory: RememberOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var control: ControlOptions

    func run() async throws {
        try await Decide.run(selection, .accept, remember: memory.request, output: output, control: control)
    }
}

/// `usher reject`.
struct Reject: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Reject pending requests: close (after the reject message) or reset.",
        discussion: """
            By default the client gets the daemon's --reject-message (or --message here), \
            then an orderly close (FIN). --reset sends a TCP reset instead: the client sees \
            'connection reset by peer', the closest Linux gets to refusing a connection it \
            already completed.

            Examples:
              usher reject r17
              usher reject r17 --reset
              usher reject r17 --message 'HTTP/1.0 503 maintenance\\r\\n\\r\\n'
              usher reject all --peer 203.0.113.0/24 --reset
              usher reject r17 --remember net --for forever

            \(Decide.exitStatus)
            """)

    @OptionGroup var selection: SelectionOptions

    @Flag(help: "Reset the connection (RST) instead of closing it.")
    var reset = false

    @Option(
        help: ArgumentHelp(
            "Bytes sent before closing, with escapes \\r \\n \\t \\0 \\\\ \\xHH. (default: the daemon's --reject-message)",
            valueName: "text"),
        transform: ArgumentParsing.escapedText)
    var message: [UInt8]?

    @OptionGroup var memory: RememberOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var control: ControlOptions

    func validate() throws {
        if reset && message != nil {
            throw ValidationError("--message is sent before a close; a --reset sends nothing, so use one or the other")
        }
    }

    func run() async throws {
        try await Decide.run(
            selection, .reject(mode: reset ? .reset : .close, message: message), remember: memory.request,
            output: output, control: control)
    }
}

/// `usher defer`.
struct Defer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "defer",
        abstract: "Defer pending requests: decide later; they are pending again after the duration.",
        discussion: """
            Winsock's CF_DEFER: the client keeps waiting, its request set aside until the \
            duration passes; then it is pending again, or gets the timeout action if its \
            pending timeout ran out meanwhile (--extend-timeout moves the timeout back by \
            the duration, so the request keeps the time it had left). An operator may still \
            decide it at any time.

            Examples:
              usher defer r17                 for \(DurationText.format(ControlProtocol.defaultDeferral))
              usher defer r17 --for 5m
              usher defer all --listener 8080 --for 10s
              usher defer r17 --for 10m --extend-timeout

            \(Decide.exitStatus)
            """)

    @OptionGroup var selection: SelectionOptions

    @Option(
        name: .customLong("for"),
        help: ArgumentHelp(
            "How long to defer: 500ms, 30s, 5m. (default: \(DurationText.format(ControlProtocol.defaultDeferral)))",
            valueName: "duration"),
        transform: ArgumentParsing.duration)
    var duration: Duration = ControlProtocol.defaultDeferral

    @Flag(help: "Also move each request's pending timeout back by the duration, so it keeps the time it had left.")
    var extendTimeout = false

    @OptionGroup var output: OutputOptions
    @OptionGroup var control: ControlOptions

    func validate() throws {
        if duration <= .zero { throw ValidationError("--for must be longer than zero") }
    }

    func run() async throws {
        try await Decide.run(selection, .deferral(duration), extendsTimeout: extendTimeout, output: output, control: control)
    }
}

/// `--remember SCOPE --for DURATION` of `accept` and `reject`.
struct RememberOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Also decide later requests like it: peer (its address), net (its /24 or /64), sni, host, or listener. A remembered decision is a rule tested before the rules file; 'usher rules ls' lists it.",
        valueName: "scope"))
    var remember: RememberScope?

    @Option(
        name: .customLong("for"),
        help: ArgumentHelp(
            "How long to remember: 5m, 1h, restart (until usher stops), forever. (default: restart)",
            valueName: "duration"),
        transform: { text throws(ValidationError) in
            do throws(DurationText.ParseError) {
                return try RememberDuration.parse(text)
            } catch {
                throw ValidationError("--for: \(error.description), or restart, or forever")
            }
        })
    var duration: RememberDuration?

    func validate() throws {
        if duration != nil && remember == nil {
            throw ValidationError("--for says how long to remember; give --remember SCOPE too")
        }
    }

    var request: RememberRequest? {
        remember.map { RememberRequest(scope: $0, duration: duration ?? .restart) }
    }
}

extension RememberScope: ExpressibleByArgument {}
