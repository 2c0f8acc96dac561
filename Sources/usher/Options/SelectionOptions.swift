import ArgumentParser
import UsherControl
import UsherWire
import UsherCore

/// `--peer CIDR` and `--listener PORT`: filters over pending requests.
struct FilterOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp("Only requests from this client address or network (10.0.0.0/8, ::1).", valueName: "cidr"),
        transform: FilterOptions.prefix)
    var peer: AddressPrefix?

    @Option(help: ArgumentHelp("Only requests that arrived on the listener with this port.", valueName: "port"))
    var listener: Int?

    func validate() throws {
        if let listener, !(0...65_535).contains(listener) {
            throw ValidationError("--listener \(listener) is not a port from 0 to 65535")
        }
    }

    /// `true` when a filter was given.
    var isActive: Bool { peer != nil || listener != nil }

    var selector: RequestSelector { RequestSelector(peer: peer, listenerPort: listener) }

    static func prefix(_ text: String) throws -> AddressPrefix {
        // Read as the dashboard's filter reads it, then held to be a network.
        let kind: FilterText
        do { kind = try FilterText.parse(text) } catch { throw ValidationError(error.description) }
        if case .peer(let prefix) = kind { return prefix }
        do { return try AddressPrefix.parse(text) } catch { throw ValidationError(error.description) }
    }
}

/// The requests a decision applies to: IDs, `all`, or filters.
struct SelectionOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("Request IDs (r17), or 'all' for every undecided request.", valueName: "id"))
    var ids: [String] = []

    @OptionGroup var filter: FilterOptions

    func validate() throws {
        for id in ids where id != "all" && RequestID(id) == nil {
            throw ValidationError("'\(id)' is not a request ID (such as r17) or 'all'")
        }
        if ids.isEmpty && !filter.isActive {
            throw ValidationError("name at least one request ID (r17), 'all', or a filter (--peer, --listener)")
        }
    }

    /// The decide operation for `decision`.
    func operation(_ decision: DecisionRequest, remember: RememberRequest? = nil, extendsTimeout: Bool = false) -> DecideOperation {
        let all = ids.contains("all")
        let named = all ? [] : ids.map { RequestID($0)?.description ?? $0 }
        let selector = all || filter.isActive ? filter.selector : nil
        return DecideOperation(ids: named, selector: selector, decision: decision, remember: remember, extendsTimeout: extendsTimeout)
    }
}
