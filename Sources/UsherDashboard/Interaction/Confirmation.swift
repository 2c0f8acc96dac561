import UsherWire

/// A question that waits for the operator before a bulk decision, a decision on requests not
/// shown, or quitting. No is the default: only `y` goes ahead, and from
/// ``typedCountThreshold`` requests up only the count, typed out, then Enter.
public struct Confirmation: Hashable, Sendable {
    /// From this many requests up, the operator types the count to go ahead.
    public static let typedCountThreshold = 25
    /// IDs named in the question, at most.
    static let namedLimit = 6

    /// `Reject 1 request (r6, hidden by the filter)?`
    public var question: String
    public var then: Prompt.Confirmed
    /// The count to type, when there are that many requests.
    public var countToType: Int?
    /// What was typed so far.
    public var typed = ""

    public init(question: String, then: Prompt.Confirmed, countToType: Int? = nil) {
        self.question = question
        self.then = then
        self.countToType = countToType
    }

    /// The question before `operation`, naming its requests and those the operator cannot
    /// see (`hidden` by the filter, `offScreen` scrolled out of view): `which` comes before
    /// the noun (`tagged`), `qualifier` after it (`from 10.0.0.0/8`).
    static func deciding(
        _ operation: DecideOperation, verb: String, which: String, qualifier: String = "", hidden: Set<String>, offScreen: Set<String>
    ) -> Confirmation {
        let ids = operation.ids
        let noun = ids.count == 1 ? "request" : "requests"
        var named = ids.prefix(namedLimit).joined(separator: ", ")
        if ids.count > namedLimit { named += ", … \(ids.count - namedLimit) more" }
        let hiddenCount = ids.count { hidden.contains($0) }
        let offCount = ids.count { offScreen.contains($0) && !hidden.contains($0) }
        var notes: [String] = []
        if hiddenCount > 0 { notes.append(hiddenCount == ids.count ? "hidden by the filter" : "\(hiddenCount) hidden by the filter") }
        if offCount > 0 { notes.append(offCount == ids.count ? "not on screen" : "\(offCount) not on screen") }
        let details = notes.isEmpty ? named : named + (ids.count == 1 ? ", " : "; ") + notes.joined(separator: ", ")
        let which = which.isEmpty ? "" : "\(which) "
        return Confirmation(
            question: "\(verb) \(ids.count) \(which)\(noun)\(qualifier.isEmpty ? "" : " " + qualifier) (\(details))?", then: .decide(operation),
            countToType: ids.count >= typedCountThreshold ? ids.count : nil)
    }

    /// How to answer, for the line under the question.
    public var hint: String {
        if let countToType { return "type \(countToType) then Enter to go ahead: \(typed)_ · Esc: no" }
        if case .quit = then { return "y or Ctrl-C again: yes · n, Enter or Esc: no" }
        return "y: yes · n, Enter or Esc: no"
    }
}
