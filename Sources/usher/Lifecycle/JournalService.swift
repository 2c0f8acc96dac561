import Foundation
import Logging
import ServiceLifecycle
import UsherControl
import UsherCore
import UsherGate
import UsherJournal
import UsherWire

/// The journal beside a running gate: every request that ends, and the daemon's own steps
/// (operators refused, notification commands failed). It records the start when opened; at the
/// group's shutdown, after the gate has stopped and its observers have every event, it records
/// the stop and writes what is queued. Its trouble is a log line, a notice and an alert in every
/// dashboard's header; it reads pages of itself for the control protocol.
struct JournalService: Service, JournalPages {
    let recorder: JournalRecorder
    let path: String
    let logger: Logger

    /// Opens the journal at `file` and starts recording `provider`'s events and the notices;
    /// `nil`, with an error line and an alert, when it cannot be opened: the gate runs without.
    static func start(
        _ options: JournalOptions, provider: any Provider, listeners: ListenerNames, notices: NoticeBoard, logger: Logger
    ) -> JournalService? {
        guard let file = options.file else { return nil }
        let journal: Journal
        do {
            journal = try Journal(path: file, keep: options.keep, maxBytes: options.maxBytes)
        } catch {
            logger.error("journal unavailable", metadata: [
                "journal": "\(file)", "error": "\(error.reason)", "note": "requests are not recorded; the gate runs on",
            ])
            notices.raise(WireAlert(source: "journal", text: "cannot open \(file): \(error.reason)"))
            return nil
        }
        let writer = JournalWriter(journal: journal) { report in
            log(report, file: file, logger: logger)
            tell(report, file: file, notices: notices)
        }
        let run = Int64((Date().timeIntervalSince1970 * 1000).rounded())
        let policy = provider.providerConfiguration.policy.rawValue
        let recorder = JournalRecorder(writer: writer, run: run, listeners: listeners, policy: policy)
        provider.observe({ recorder.record($0) }, demand: EventDemand(JournalRecorder.interest))
        recorder.daemon("start", "usher \(Usher.version), pid \(getpid()), policy \(policy)")
        notices.observe { notice, at in
            guard let kind = Self.recordedKinds[notice.source] else { return }
            recorder.daemon(kind, notice.text, at: at)
        }
        logger.info("journal", metadata: ["journal": "\(file)"])
        return JournalService(recorder: recorder, path: file, logger: logger)
    }

    /// The notices recorded, by source: the journal's own are in the log, not in itself.
    static let recordedKinds = ["control": "refused", "notify": "notify-failed"]

    func page(_ request: JournalPageRequest) -> Result<WireJournalPage, ControlError> {
        var query = JournalQuery()
        query.until = request.until.flatMap(WireClock.parse).map { Int64(($0.timeIntervalSince1970 * 1000).rounded(.down)) }
        if let id = request.request {
            query.id = RequestID(id)
            query.run = recorder.run
        }
        do {
            let (entries, more) = try JournalReader(path: path).page(query, before: request.before, limit: request.limit)
            return .success(WireJournalPage(rows: entries.map { WireJournalRow($0) }, more: more))
        } catch {
            return .failure(ControlError(.noJournal, "the journal \(path) cannot be read: \(error.reason)"))
        }
    }

    func run() async throws {
        try? await gracefulShutdown()
        recorder.daemon("stop", "graceful stop")
        await recorder.writer.close()
    }

    /// Trouble as a notice to operators and an alert while it lasts.
    private static func tell(_ report: JournalWriter.Report, file: String, notices: NoticeBoard) {
        switch report {
        case .failing(let error):
            notices.raise(WireAlert(source: "journal", text: "not writing: \(error.reason)"))
            notices.post(WireNotice(source: "journal", level: .warning, text: "\(file): write failed: \(error.reason); requests are not recorded"))
        case .recovered(let lost):
            notices.clear(source: "journal")
            notices.post(WireNotice(source: "journal", level: .notice, text: "\(file): writing again; \(lost) writes were lost"))
        case .fellBehind(let capacity):
            notices.post(WireNotice(source: "journal", level: .warning, text: "\(file): fell behind (\(capacity) queued); requests are dropped from it"))
        case .trimmed:
            break
        }
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
