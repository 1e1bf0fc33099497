import CYAML

/// A position in a YAML source: 1-based line and column, 0-based byte offset.
public struct SourceMark: Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var offset: Int
    public init(line: Int, column: Int, offset: Int) {
        self.line = line
        self.column = column
        self.offset = offset
    }
    public var description: String { "\(line):\(column)" }
}

/// One node of a parsed YAML document, with where it starts and ends in the source.
/// Values stay untyped text: the manifest decoder decides what each key must be.
public indirect enum YAMLNode: Sendable {
    case scalar(YAMLScalar)
    case sequence(YAMLSequence)
    case mapping(YAMLMapping)

    public var start: SourceMark {
        switch self {
        case .scalar(let s): s.start
        case .sequence(let s): s.start
        case .mapping(let m): m.start
        }
    }
    public var end: SourceMark {
        switch self {
        case .scalar(let s): s.end
        case .sequence(let s): s.end
        case .mapping(let m): m.end
        }
    }
    /// The node's kind as a reader would name it in an error message.
    public var kindName: String {
        switch self {
        case .scalar(let s): s.isQuoted ? "a quoted string" : (s.value.isEmpty ? "an empty value" : "a scalar")
        case .sequence: "a list"
        case .mapping: "a mapping"
        }
    }
    /// The last position of any content inside the node (ends of block collections in libyaml
    /// point past trailing comments and blank lines; this does not).
    var lastContentEnd: SourceMark {
        switch self {
        case .scalar(let s): s.end
        case .sequence(let s): s.isFlow ? s.end : (s.items.last?.lastContentEnd ?? s.start)
        case .mapping(let m): m.isFlow ? m.end : (m.pairs.last?.value.lastContentEnd ?? m.start)
        }
    }
}

public struct YAMLScalar: Sendable {
    public var value: String
    /// True for single- or double-quoted scalars: `"1"` is the string 1, not the number.
    public var isQuoted: Bool
    /// True for a plain scalar that YAML reads as null (empty, `~`, `null`).
    public var isNull: Bool { !isQuoted && (value.isEmpty || value == "~" || value == "null" || value == "Null" || value == "NULL") }
    public var start: SourceMark
    public var end: SourceMark
}

public struct YAMLSequence: Sendable {
    public var items: [YAMLNode]
    public var isFlow: Bool
    public var start: SourceMark
    public var end: SourceMark
}

public struct YAMLMapping: Sendable {
    public struct Pair: Sendable {
        public var key: YAMLNode
        public var value: YAMLNode
    }
    public var pairs: [Pair]
    public var isFlow: Bool
    public var start: SourceMark
    public var end: SourceMark
}

/// A YAML syntax problem, with where libyaml found it.
public struct YAMLSyntaxError: Error, Sendable {
    public var mark: SourceMark
    public var problem: String
    public var context: String?
}

/// Parses YAML text with libyaml into a `YAMLNode` tree.
///
/// Limits: at most `maxDepth` levels of nesting (an alias cycle is reported, not followed)
/// and exactly one document. Thread: any; no shared state.
public enum YAMLDocumentParser {
    public static let maxDepth = 64

    /// Returns the root node, or nil for a document with no content (empty or comments only).
    public static func parse(_ text: String) throws(YAMLSyntaxError) -> YAMLNode? {
        var bytes = Array(text.utf8)
        if bytes.isEmpty { return nil }
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            throw YAMLSyntaxError(mark: SourceMark(line: 1, column: 1, offset: 0), problem: "libyaml could not initialize", context: nil)
        }
        defer { yaml_parser_delete(&parser) }
        return try bytes.withUnsafeMutableBufferPointer { buffer throws(YAMLSyntaxError) -> YAMLNode? in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var document = yaml_document_t()
            guard yaml_parser_load(&parser, &document) == 1 else { throw syntaxError(parser) }
            defer { yaml_document_delete(&document) }
            guard let root = yaml_document_get_root_node(&document) else { return nil }
            let tree = try convert(root, in: &document, depth: 0)
            var second = yaml_document_t()
            guard yaml_parser_load(&parser, &second) == 1 else { throw syntaxError(parser) }
            defer { yaml_document_delete(&second) }
            if let extra = yaml_document_get_root_node(&second) {
                throw YAMLSyntaxError(mark: mark(extra.pointee.start_mark),
                                      problem: "a second YAML document starts here; the file must hold exactly one", context: nil)
            }
            return tree
        }
    }

    private static func syntaxError(_ parser: yaml_parser_t) -> YAMLSyntaxError {
        let problem = parser.problem.map { String(cString: $0) } ?? "malformed YAML"
        let context = parser.context.map { String(cString: $0) }
        return YAMLSyntaxError(mark: mark(parser.problem_mark), problem: problem, context: context)
    }

    static func mark(_ m: yaml_mark_t) -> SourceMark {
        SourceMark(line: Int(m.line) + 1, column: Int(m.column) + 1, offset: Int(m.index))
    }

    private static func convert(_ node: UnsafeMutablePointer<yaml_node_t>, in document: inout yaml_document_t,
                                depth: Int) throws(YAMLSyntaxError) -> YAMLNode {
        let start = mark(node.pointee.start_mark)
        let end = mark(node.pointee.end_mark)
        guard depth < maxDepth else {
            throw YAMLSyntaxError(mark: start, problem: "nesting deeper than \(maxDepth) levels (or an alias that refers to itself)", context: nil)
        }
        switch node.pointee.type {
        case YAML_SCALAR_NODE:
            let scalar = node.pointee.data.scalar
            let value = String(decoding: UnsafeBufferPointer(start: scalar.value, count: Int(scalar.length)), as: UTF8.self)
            let quoted = scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE || scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE
                || scalar.style == YAML_LITERAL_SCALAR_STYLE || scalar.style == YAML_FOLDED_SCALAR_STYLE
            return .scalar(YAMLScalar(value: value, isQuoted: quoted, start: start, end: end))
        case YAML_SEQUENCE_NODE:
            var items: [YAMLNode] = []
            var item = node.pointee.data.sequence.items.start
            while item != node.pointee.data.sequence.items.top {
                guard let child = yaml_document_get_node(&document, item!.pointee) else { break }
                items.append(try convert(child, in: &document, depth: depth + 1))
                item = item!.advanced(by: 1)
            }
            let flow = node.pointee.data.sequence.style == YAML_FLOW_SEQUENCE_STYLE
            return .sequence(YAMLSequence(items: items, isFlow: flow, start: start, end: end))
        case YAML_MAPPING_NODE:
            var pairs: [YAMLMapping.Pair] = []
            var pair = node.pointee.data.mapping.pairs.start
            while pair != node.pointee.data.mapping.pairs.top {
                guard let key = yaml_document_get_node(&document, pair!.pointee.key),
                      let value = yaml_document_get_node(&document, pair!.pointee.value) else { break }
                pairs.append(.init(key: try convert(key, in: &document, depth: depth + 1),
                                   value: try convert(value, in: &document, depth: depth + 1)))
                pair = pair!.advanced(by: 1)
            }
            let flow = node.pointee.data.mapping.style == YAML_FLOW_MAPPING_STYLE
            return .mapping(YAMLMapping(pairs: pairs, isFlow: flow, start: start, end: end))
        default:
            throw YAMLSyntaxError(mark: start, problem: "unsupported YAML node", context: nil)
        }
    }
}
