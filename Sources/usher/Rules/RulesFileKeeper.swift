#if canImport(Glibc)
import Glibc
#endif
import Logging
import Synchronization
import UsherControl
import UsherCore
import UsherRulesFile

/// The daemon's rules file and its remembered decisions: reloads the one (SIGHUP, `usher rules
/// reload`), reads and writes the other (`remembered.toml` beside the rules file, or
/// `--remembered FILE`).
///
/// Without either file, remembered decisions last until usher stops.
final class RulesFileKeeper: RulesKeeper {
    /// The rules file, as the last configuration read names it.
    var file: String? { path.withLock { $0 } }
    private let path: Mutex<String?>
    /// Where remembered decisions that outlive a restart are written, if anywhere.
    let rememberedFile: String?
    private let provider: Mutex<(any Provider)?> = Mutex(nil)
    private let writing = Mutex(())
    private let logger: Logger

    init(file: String?, rememberedFile: String?, logger: Logger) {
        self.path = Mutex(file)
        self.rememberedFile = rememberedFile ?? file.map { Self.folder(of: $0) + "/remembered.toml" }
        self.logger = logger
    }

    /// The provider whose rules this keeper changes, once it runs; the remembered decisions still
    /// in time are put in force.
    func attach(_ provider: any Provider) {
        self.provider.withLock { $0 = provider }
        for rule in loadRemembered() { provider.remember(rule) }
    }

    /// Puts the rules of `file` in force (none without one), as a reloaded configuration names it.
    func use(_ file: String?, rules: RuleSet) {
        path.withLock { $0 = file }
        provider.withLock { $0 }?.replaceRules(rules, file: file, applyPending: false)
    }

    func reload(applyPending: Bool) -> Result<Int, RulesRefusal> {
        guard let file, let provider = provider.withLock({ $0 }) else { return .failure(RulesRefusal("no rules file")) }
        do {
            let rules = try RulesFile.load(path: file)
            provider.replaceRules(rules, file: file, applyPending: applyPending)
            return .success(rules.rules.count)
        } catch {
            let refusal = RulesRefusal(error.description)
            provider.refuseRules(reason: refusal.description, file: file)
            return .failure(refusal)
        }
    }

    func saveRemembered() {
        guard let rememberedFile, let provider = provider.withLock({ $0 }) else { return }
        writing.withLock { _ in
            let inForce = provider.rulesInForce()
            let kept = inForce.remembered.rules.filter { $0.expires != .restart && $0.isLive(at: inForce.at) }
            let text = RememberedFile.text(kept, now: inForce.at, wallNow: Self.wallSeconds())
            do {
                try Self.writeAtomically(text, to: rememberedFile)
            } catch {
                logger.error("remembered decisions not saved", metadata: ["file": "\(rememberedFile)", "error": "\(error)"])
            }
        }
    }

    private func loadRemembered() -> [Rule] {
        guard let rememberedFile, access(rememberedFile, F_OK) == 0 else { return [] }
        do {
            return try RememberedFile.load(path: rememberedFile, now: .now, wallNow: Self.wallSeconds())
        } catch {
            logger.error("remembered decisions not read; none are in force", metadata: ["file": "\(rememberedFile)", "error": "\(error.description.split(separator: "\n").joined(separator: "; "))"])
            return []
        }
    }

    static func wallSeconds() -> Int64 { Int64(time(nil)) }

    private static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    struct WriteError: Error, CustomStringConvertible {
        var description: String
    }

    /// Writes to a temporary file beside `path`, then renames it over `path`.
    private static func writeAtomically(_ text: String, to path: String) throws(WriteError) {
        let temporary = path + ".tmp-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw WriteError(description: String(cString: strerror(errno))) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor) == 0
        close(descriptor)
        guard written == bytes.count, synced, rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw WriteError(description: reason)
        }
    }
}
