/// Reads fixed-size fields out of a byte buffer without ever reading past its end.
///
/// Netlink fields are in the host's byte order, addresses and ports in network order; the
/// reader offers both and answers `nil` instead of trapping when the buffer is too short.
struct ByteReader {
    let bytes: ArraySlice<UInt8>

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
    }

    var count: Int { bytes.count }

    /// The byte at `offset` from the start, or `nil` past the end.
    func uint8(at offset: Int) -> UInt8? {
        guard offset >= 0, offset < bytes.count else { return nil }
        return bytes[bytes.startIndex + offset]
    }

    /// A 16-bit field in the host's byte order (little-endian on every Linux this runs on).
    func uint16(at offset: Int) -> UInt16? {
        load(UInt16.self, at: offset).map(UInt16.init(littleEndian:))
    }

    /// A 16-bit field in network byte order (ports).
    func uint16BigEndian(at offset: Int) -> UInt16? {
        load(UInt16.self, at: offset).map(UInt16.init(bigEndian:))
    }

    /// A 32-bit field in network byte order.
    func uint32BigEndian(at offset: Int) -> UInt32? {
        load(UInt32.self, at: offset).map(UInt32.init(bigEndian:))
    }

    /// A 32-bit field in the host's byte order.
    func uint32(at offset: Int) -> UInt32? {
        load(UInt32.self, at: offset).map(UInt32.init(littleEndian:))
    }

    /// A 64-bit field in the host's byte order.
    func uint64(at offset: Int) -> UInt64? {
        load(UInt64.self, at: offset).map(UInt64.init(littleEndian:))
    }

    /// `length` bytes from `offset`, or `nil` when they are not all there.
    func slice(at offset: Int, length: Int) -> ArraySlice<UInt8>? {
        guard offset >= 0, length >= 0, offset <= bytes.count - length else { return nil }
        let start = bytes.startIndex + offset
        return bytes[start..<start + length]
    }

    /// The raw bits of a fixed-width integer at `offset`, when all its bytes are there.
    private func load<Value: FixedWidthInteger>(_ type: Value.Type, at offset: Int) -> Value? {
        let width = MemoryLayout<Value>.size
        guard offset >= 0, offset <= bytes.count - width else { return nil }
        return bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: Value.self) }
    }
}

/// Appends fixed-size fields to a byte buffer, in the host's or the network's byte order.
struct ByteWriter {
    private(set) var bytes: [UInt8] = []

    mutating func append(_ value: UInt8) {
        bytes.append(value)
    }

    mutating func append(_ value: UInt16) {
        appendLittleEndian(UInt64(value), width: 2)
    }

    mutating func append(_ value: UInt32) {
        appendLittleEndian(UInt64(value), width: 4)
    }

    mutating func appendZeros(_ count: Int) {
        bytes.append(contentsOf: repeatElement(0, count: count))
    }

    private mutating func appendLittleEndian(_ value: UInt64, width: Int) {
        for index in 0..<width {
            bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(index))))
        }
    }
}
