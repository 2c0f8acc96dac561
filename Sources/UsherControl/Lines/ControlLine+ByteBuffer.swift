import NIOCore
import UsherWire

extension ControlLine {
    /// The line as sent, in a buffer: compact JSON and a newline.
    package func encoded() -> ByteBuffer {
        ByteBuffer(bytes: encodedLine())
    }

    /// Reads one server line from a buffer.
    public static func decode(_ bytes: ByteBuffer) throws -> ControlLine {
        try decode(bytes.readableBytesView)
    }
}

extension ControlLine {
    /// The `rules` listing, or the error.
    init(id: MessageID?, result: Result<WireRules, ControlError>) {
        self.init(id: id, result: result.map(ControlMessage.rules))
    }

    init(id: MessageID?, result: Result<WireJournalPage, ControlError>) {
        self.init(id: id, result: result.map(ControlMessage.journal))
    }

    init(id: MessageID?, result: Result<ControlMessage, ControlError>) {
        switch result {
        case .success(let message): self.init(id: id, message: message)
        case .failure(let error): self.init(id: id, message: .error(error))
        }
    }
}
