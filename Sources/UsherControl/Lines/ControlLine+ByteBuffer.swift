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
        switch result {
        case .success(let rules): self.init(id: id, message: .rules(rules))
        case .failure(let error): self.init(id: id, message: .error(error))
        }
    }
}
