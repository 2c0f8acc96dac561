import UsherCore

/// The text `ss -lnt` prints for a listener's local address: `127.0.0.1:8080`, `[::1]:8080`,
/// `*:22` for an IPv6 wildcard that also takes IPv4, `127.0.0.53%lo:53` when bound to a device.
public enum SocketAddressText {
    /// The address part without the port; `interfaceName` is the bound device, if any.
    public static func host(of socket: ListeningSocket, interfaceName: String? = nil) -> String {
        var text: String
        switch socket.family {
        case .ipv4:
            text = IPAddressText.text(of: socket.address)
        case .ipv6:
            if socket.isWildcard && socket.v6Only == false {
                text = "*"
            } else {
                text = "[\(IPAddressText.text(of: socket.address))]"
            }
        }
        if let interfaceName, !interfaceName.isEmpty {
            text += "%\(interfaceName)"
        }
        return text
    }

    /// Host and port: `127.0.0.1:8080`.
    public static func text(of socket: ListeningSocket, interfaceName: String? = nil) -> String {
        "\(host(of: socket, interfaceName: interfaceName)):\(socket.port)"
    }
}
