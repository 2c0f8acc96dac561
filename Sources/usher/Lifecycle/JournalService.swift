import Foundation
import Logging
import ServiceLifecycle
import UsherCore
import UsherGate
import UsherJournal

/// The journal beside a running gate: every request that ends, and the daemon's own steps. It
/// records the start when opened; at the group's shutdown, after the gate has stopped and its
/// observers have every event, it records the stop and writes what is queued.
struct JournalService: Service {
    let recorder: JournalRecorder
    let logger: Logger

    /// Opens the journal at `file` and starts recording `gate`'s events; `nil`, with an error
    /// line, when it cannot be opened: the gate runs without.
    static func start(_ options: JournalOptions, gate: Gate, logger: Logger) -> JournalService? {
        guard let file = options.file else { return nil }
        let journal: Journal
        do {
            journal = try Journal(path: file, keep: options.keep, maxBytes: options.maxBytes)
        } catch {
            logger.error("journal unavailable", metadata: [
                "journal": "\(file)", "error": "\(error.reason)", "note": "requests are not recorded; the gate runs on",
            ])
            return nil
        }
        let writer = JournalWriter(journal: journal) { report in log(report, file: file, logger: logger) }
        let run = Int64((Date().timeIntervalSince1970 * 1000).rounded())
        let configuration = gate.configuration
        let recorder = JournalRecorder(
            writer: writer, run: run, listeners: gate.listenerAddresses.map { "\(Endpoint($0) ?? Endpoint(host: "?", port: 0))" },
            policy: configuration.provider.policy.rawValue)
        gate.observe({ recorder.record($0) }, demand: EventDemand(JournalRecorder.interest))
        recorder.daemon("start", "usher \(Usher.version), pid \(getpid()), policy \(configuration.provider.policy.rawValue)")
        logger.info("journal", metadata: ["journal": "\(file)"])
        return JournalService(recorder: recorder, logger: logger)
    }

    func run() async throws {
        try? await gracefulShutdown()
        recorder.daemon("stop", "graceful stop")
        await recorder.writer.close()
    }

    private static func log(_ report: JournalWriter.Report, file: String, logger: Logger) {
        switch report {
        case .failing(let error):
            logger.error("journal write failed", metadata: [
                "journal": "\(file)", "error": "\(error.reason)", "note": "requests are not recorded until it works again; the gate runs on",
            ])
        case .recovered(let lost):
            logger.notice("journal writing again", metadata: ["journal": "\(file)", "lost": "\(lost)"])
        case .fellBehind(let capacity):
            logger.warning("journal fell behind", metadata: [
                "journal": "\(file)", "queued": "\(capacity)", "note": "requests are dropped from the journal until it catches up",
            ])
        case .trimmed(let requests):
            logger.info("journal trimmed", metadata: ["journal": "\(file)", "requests": "\(requests)"])
        }
    }
}
