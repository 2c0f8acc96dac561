import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A private tmux server with one window of a fixed size running a shell, to drive a terminal
/// program as a person would: type keys, read the screen, resize. The server's socket lives
/// in the test's own folder and the server is killed when the body ends.
public final class TmuxSession: Sendable {
    public let socket: String

    private init(socket: String) {
        self.socket = socket
    }

    /// Starts `sh` in a `width`×`height` window with `environment`, runs `body`, then kills the
    /// server.
    public static func with<Result: Sendable>(
        width: Int = 120, height: Int = 40, environment: [String: String] = [:],
        body: @Sendable (TmuxSession) async throws -> Result
    ) async throws -> Result {
        let folder = try TemporaryDirectory(prefix: "usher-tmux")
        let session = TmuxSession(socket: folder.path + "/tmux.sock")
        var arguments = ["new-session", "-d", "-s", "usher", "-x", "\(width)", "-y", "\(height)"]
        let base = [
            "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "PS1": "$ ", "HOME": folder.path, "XDG_STATE_HOME": folder.path + "/state",
        ]
        for (name, value) in base.merging(environment, uniquingKeysWith: { $1 }).sorted(by: { $0.key < $1.key }) {
            arguments += ["-e", "\(name)=\(value)"]
        }
        arguments += ["sh"]
        try await session.tmux(arguments)
        do {
            let result = try await body(session)
            _ = try? await session.tmux(["kill-server"])
            withExtendedLifetime(folder) {}
            return result
        } catch {
            let screen = (try? await session.screen()) ?? "(no screen)"
            _ = try? await session.tmux(["kill-server"])
            withExtendedLifetime(folder) {}
            throw TmuxFailure(error: "\(error)", screen: screen)
        }
    }

    /// Types `text` literally (no key names), as pasted.
    public func type(_ text: String) async throws {
        try await tmux(["send-keys", "-t", "usher", "-l", text])
    }

    /// Presses keys by tmux name: `Enter`, `Escape`, `Tab`, `F2`, `C-c`, `a`.
    public func press(_ keys: String...) async throws {
        try await tmux(["send-keys", "-t", "usher"] + keys)
    }

    /// The visible screen as text.
    public func screen() async throws -> String {
        try await tmux(["capture-pane", "-p", "-t", "usher"]).standardOutput
    }

    /// The pane's title, as the program in it (or an escape sequence reaching the terminal) set it.
    public func title() async throws -> String {
        try await tmux(["display-message", "-p", "-t", "usher", "#{pane_title}"]).standardOutput
    }

    /// Polls the screen until `condition` holds; returns that screen.
    @discardableResult
    public func waitForScreen(
        _ what: String, timeout: Duration = .seconds(30), until condition: @Sendable (String) -> Bool
    ) async throws -> String {
        var last = ""
        do {
            try await poll(what, every: .milliseconds(50), timeout: timeout) {
                last = try await screen()
                return condition(last)
            }
        } catch let error as TimedOut {
            throw TmuxFailure(error: error.description, screen: last)
        }
        return last
    }

    /// Polls until the screen contains every one of `texts`.
    @discardableResult
    public func waitFor(_ texts: String..., timeout: Duration = .seconds(30)) async throws -> String {
        try await waitForScreen(texts.joined(separator: ", "), timeout: timeout) { screen in
            texts.allSatisfy { screen.contains($0) }
        }
    }

    /// Resizes the window, as a person dragging the terminal's corner.
    public func resize(width: Int, height: Int) async throws {
        try await tmux(["resize-window", "-t", "usher", "-x", "\(width)", "-y", "\(height)"])
    }

    @discardableResult
    private func tmux(_ arguments: [String]) async throws -> ProcessOutput {
        let output = try await ProcessRunner.run("tmux", ["-u", "-S", socket] + arguments)
        guard output.exitCode == 0 else {
            throw TmuxFailure(error: "tmux \(arguments.first ?? "") failed: \(output.standardError)", screen: "")
        }
        return output
    }
}

/// A failed step of a terminal test, with the screen as it was.
public struct TmuxFailure: Error, CustomStringConvertible {
    public var error: String
    public var screen: String

    public init(error: String, screen: String) {
        self.error = error
        self.screen = screen
    }

    public var description: String { "\(error)\n--- screen ---\n\(screen)" }
}

extension String {
    /// Single-quoted for `sh`.
    public var shellQuoted: String {
        "'" + replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
