/// One netlink attribute (`struct rtattr { u16 len; u16 type; }` then the value, aligned to 4).
struct NetlinkAttribute: Equatable {
    var type: UInt16
    var value: ArraySlice<UInt8>

    static let headerLength = 4

    /// The value of the first attribute of `type` in `bytes`.
    static func first(ofType type: UInt16, in bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        var found: ArraySlice<UInt8>?
        forEach(in: bytes) { attribute in
            if found == nil, attribute.type == type { found = attribute.value }
        }
        return found
    }

    /// Calls `body` with each attribute in `bytes`. One whose length is shorter than its header
    /// or longer than what is left ends the walk: the rest cannot be trusted.
    static func forEach(in bytes: ArraySlice<UInt8>, _ body: (NetlinkAttribute) -> Void) {
        let reader = ByteReader(bytes)
        var offset = 0
        while offset + headerLength <= reader.count {
            guard let length = reader.uint16(at: offset).map(Int.init), let rawType = reader.uint16(at: offset + 2),
                length >= headerLength,
                let value = reader.slice(at: offset + headerLength, length: length - headerLength)
            else { break }
            // The top two bits are the nested and byte-order flags, not part of the type.
            body(NetlinkAttribute(type: rawType & 0x3FFF, value: value))
            offset += NetlinkMessage.aligned(length)
        }
    }
}
