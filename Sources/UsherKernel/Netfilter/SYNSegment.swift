import UsherCore

/// A TCP segment read out of an IPv4 or IPv6 packet the firewall queued: who connects to where,
/// with which flags, and the options of a SYN (what the client tells about itself before the
/// handshake). Never reads past the bytes it is given.
public struct SYNSegment: Hashable, Sendable {
    public var source: Endpoint
    public var destination: Endpoint
    /// SYN set and ACK clear: a connection request.
    public var isConnectionRequest: Bool
    /// The sequence number: a retransmitted SYN carries the same one, a new connection
    /// attempt from the same address and port another.
    public var sequenceNumber: UInt32
    public var options: SYNOptions
    /// Bytes carried in the SYN itself (TCP Fast Open data).
    public var dataLength: Int

    /// `nil` for anything that is not TCP over IPv4 or IPv6 (without extension headers), or is cut short.
    public init?(packet bytes: [UInt8]) {
        let reader = ByteReader(bytes[...])
        guard let first = reader.uint8(at: 0) else { return nil }
        let tcpStart: Int
        let addressLength: Int
        let sourceOffset: Int
        let total: Int
        switch first >> 4 {
        case 4:
            let headerLength = Int(first & 0x0F) * 4
            guard headerLength >= 20, reader.uint8(at: 9) == 6, let length = reader.uint16BigEndian(at: 2) else { return nil }
            (tcpStart, addressLength, sourceOffset, total) = (headerLength, 4, 12, min(Int(length), bytes.count))
        case 6:
            guard reader.uint8(at: 6) == 6, let length = reader.uint16BigEndian(at: 4) else { return nil }
            (tcpStart, addressLength, sourceOffset, total) = (40, 16, 8, min(40 + Int(length), bytes.count))
        default:
            return nil
        }
        guard let sourceAddress = reader.slice(at: sourceOffset, length: addressLength),
              let destinationAddress = reader.slice(at: sourceOffset + addressLength, length: addressLength),
              let sourcePort = reader.uint16BigEndian(at: tcpStart),
              let destinationPort = reader.uint16BigEndian(at: tcpStart + 2),
              let sequenceNumber = reader.uint32BigEndian(at: tcpStart + 4),
              let offsetByte = reader.uint8(at: tcpStart + 12), let flags = reader.uint8(at: tcpStart + 13)
        else { return nil }
        let tcpHeaderLength = Int(offsetByte >> 4) * 4
        guard tcpHeaderLength >= 20 else { return nil }
        let optionBytes = reader.slice(at: tcpStart + 20, length: tcpHeaderLength - 20) ?? []
        source = Endpoint(host: IPAddressText.text(of: Array(sourceAddress)), port: Int(sourcePort))
        destination = Endpoint(host: IPAddressText.text(of: Array(destinationAddress)), port: Int(destinationPort))
        isConnectionRequest = flags & 0x02 != 0 && flags & 0x10 == 0
        self.sequenceNumber = sequenceNumber
        options = SYNOptions(optionBytes)
        dataLength = max(0, total - tcpStart - tcpHeaderLength)
    }
}

/// The TCP options of a SYN: what the client's stack offers.
public struct SYNOptions: Hashable, Sendable {
    public var maximumSegmentSize: Int?
    public var windowScale: Int?
    public var selectiveAcknowledgements = false
    public var timestamps = false
    /// TCP Fast Open: `nil` without the option, `false` for a cookie request, `true` with a cookie.
    public var fastOpenCookie: Bool?

    public init() {}

    /// Reads the options; a malformed one ends the walk (what was read stays).
    init(_ bytes: ArraySlice<UInt8>) {
        let reader = ByteReader(bytes)
        var offset = 0
        while let kind = reader.uint8(at: offset) {
            if kind == 0 { break }
            if kind == 1 { offset += 1; continue }
            guard let length = reader.uint8(at: offset + 1).map(Int.init), length >= 2, offset + length <= reader.count else { break }
            switch (kind, length) {
            case (2, 4): maximumSegmentSize = reader.uint16BigEndian(at: offset + 2).map(Int.init)
            case (3, 3): windowScale = reader.uint8(at: offset + 2).map(Int.init)
            case (4, 2): selectiveAcknowledgements = true
            case (8, 10): timestamps = true
            case (34, _): fastOpenCookie = length > 2
            default: break
            }
            offset += length
        }
    }

    /// `mss=65495 wscale=7 sack ts`, and `tfo=cookie` or `tfo=request` when present.
    public var summary: String {
        var parts: [String] = []
        if let maximumSegmentSize { parts.append("mss=\(maximumSegmentSize)") }
        if let windowScale { parts.append("wscale=\(windowScale)") }
        if selectiveAcknowledgements { parts.append("sack") }
        if timestamps { parts.append("ts") }
        if let fastOpenCookie { parts.append(fastOpenCookie ? "tfo=cookie" : "tfo=request") }
        return parts.isEmpty ? "no options" : parts.joined(separator: " ")
    }
}
