import Logging
/// Writes each log record as one line on standard error (see ``StandardError``).
///
/// Text: `2026-11-25T14:02:11.118Z info  accepted id=r3 peer=127.0.0.1:51234 by=policy`
/// (keys in a fixed order, values with spaces quoted). JSON: one object per line with `ts`,
/// `level`, `event` and the metadata.
struct LineLogHandler: LogHandler {
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level
    let label: String
    let format: LogOptions.Format

    init(label: String, level: Logger.Level, format: LogOptions.Format) {
        self.label = label
        self.logLevel = level
        self.format = format
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        event.metadata?.forEach { merged[$0.key] = $0.value }
        let fields = LogFields.ordered(merged)
        let line = switch format {
        case .text: LogLine.text(time: WallClock.now(), level: event.level, message: "\(event.message)", fields: fields)
        case .json: LogLine.json(time: WallClock.now(), level: event.level, message: "\(event.message)", fields: fields)
        }
        StandardError.writeLine(line)
    }
}
