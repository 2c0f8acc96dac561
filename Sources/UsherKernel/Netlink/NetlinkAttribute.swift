/// One netlink attribute (`struct rtattr { u16 len; u16 type; }` then the value, aligned to 4).
struct NetlinkAttribute: Equatable {
    var type: UInt16
    var value: ArraySlice<UInt8>

    static let headerLength = 4

    /// The attributes in `bytes`. One whose length is shorter than its header or longer than
    /// what is left ends the walk: the rest cannot be trusted.
    static func all(in bytes: ArraySlice<UInt8>) -> [NetlinkAttribute] {
        var attributes: [NetlinkAttribute] = []
        let reader = ByteReader(bytes)
        var offset = 0
        while offset + headerLength <= reader.count {
            guard let length = reader.uint16(at: offset).map(Int.init), let rawType = reader.uint16(at: offset + 2),
                length >= headerLength,
                let value = reader.slice(at: offset + headerLength, length: length - headerLength)
            else { break }
            // The top two bits are the nested and byte-order flags, not part of the type.
            attributes.append(NetlinkAttribute(type: rawType & 0x3FFF, value: value))
            offset += NetlinkMessage.aligned(length)
        }
        return attributes
    }
}
