import NIOCore

/// A line read from a control connection, or the note that one was too long.
public enum ReceivedLine: Sendable {
    /// The line without its `\n` (or `\r\n`).
    case line(ByteBuffer)
    /// A line longer than the limit was discarded; it had at least this many bytes.
    case tooLong(Int)
    /// The stream ended after this many bytes that no newline ended: not a line, so not read.
    case unterminated(Int)
}

/// Splits a byte stream into lines, with a limit on their length.
///
/// `NIOExtras.LineBasedFrameDecoder` has no limit, so a client that never sends a newline would
/// make its buffer grow without end. This decoder discards a line once it passes `maximum`
/// bytes (reporting it once, as ``ReceivedLine/tooLong(_:)``) and carries on with the next.
/// Bytes left without a newline when the stream ends are not a line: they are reported as
/// ``ReceivedLine/unterminated(_:)``, never passed on as one.
public struct BoundedLineDecoder: ByteToMessageDecoder {
    public typealias InboundOut = ReceivedLine

    private let maximum: Int
    /// Bytes of the current, overlong line dropped so far; `0` when not discarding.
    private var discarded = 0
    /// How far the buffer was already searched for a newline.
    private var scanned = 0

    public init(maximum: Int) {
        self.maximum = maximum
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let line = next(&buffer) else { return .needMoreData }
        context.fireChannelRead(NIOAny(line))
        return .continue
    }

    public mutating func decodeLast(
        context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool
    ) throws -> DecodingState {
        while let line = next(&buffer) {
            context.fireChannelRead(NIOAny(line))
        }
        let rest = discarded + buffer.readableBytes
        let blank = discarded == 0 && buffer.readableBytesView.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
        buffer.moveReaderIndex(to: buffer.writerIndex)
        discarded = 0
        scanned = 0
        if rest > 0, !blank {
            context.fireChannelRead(NIOAny(ReceivedLine.unterminated(rest)))
        }
        return .needMoreData
    }

    /// The next complete line, or `nil` until more bytes arrive.
    mutating func next(_ buffer: inout ByteBuffer) -> ReceivedLine? {
        let view = buffer.readableBytesView
        guard let newline = view.dropFirst(scanned).firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > maximum {
                discarded += buffer.readableBytes
                buffer.moveReaderIndex(to: buffer.writerIndex)
                scanned = 0
            } else {
                scanned = buffer.readableBytes
            }
            return nil
        }
        let length = newline - view.startIndex
        scanned = 0
        if discarded > 0 || length > maximum {
            let total = discarded + length
            discarded = 0
            buffer.moveReaderIndex(forwardBy: length + 1)
            return .tooLong(total)
        }
        let line = buffer.readSlice(length: length) ?? ByteBuffer()
        buffer.moveReaderIndex(forwardBy: 1)
        return .line(Self.trimmed(line))
    }

    private static func trimmed(_ line: ByteBuffer) -> ByteBuffer {
        guard line.readableBytesView.last == UInt8(ascii: "\r") else { return line }
        return line.getSlice(at: line.readerIndex, length: line.readableBytes - 1) ?? line
    }
}
