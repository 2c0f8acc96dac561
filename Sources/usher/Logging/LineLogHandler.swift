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
        let fields = LogFields.ordered(merged(event.metadata))
        switch format {
        case .text:
            StandardError.writeEscapedLine(
                LogLine.textBytes(time: WallClock.now(), level: event.level, message: "\(event.message)", fields: fields))
        case .json:
            StandardError.writeLine(LogLine.json(time: WallClock.now(), level: event.level, message: "\(event.message)", fields: fields))
        }
    }

    /// The handler's metadata with the record's over it (no copy when the handler has none).
    private func merged(_ recorded: Logger.Metadata?) -> Logger.Metadata {
        guard let recorded else { return metadata }
        guard !metadata.isEmpty else { return recorded }
        return metadata.merging(recorded) { $1 }
    }
}
