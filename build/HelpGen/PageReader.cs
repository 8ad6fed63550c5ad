using System.Text;
using Markdig;
using Markdig.Extensions.Yaml;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace HelpGen;

public sealed record PageProblem(string File, int Line, string Message);

/// <summary>Thrown after a problem is recorded, to abandon the page.</summary>
public sealed class PageException : Exception
{
    public PageException(string message) : base(message) { }
}

/// <summary>A section of a page: an H2 heading and the blocks up to the next H2.</summary>
public sealed record Section(string Title, HeadingBlock Heading, IReadOnlyList<Block> Blocks);

/// <summary>One markdown page: its front matter, H1 and H2 sections, and the helpers that turn blocks into help text.</summary>
public sealed class PageReader
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UseYamlFrontMatter().Build();
    private static readonly IDeserializer Yaml = new DeserializerBuilder().Build();
    private readonly List<PageProblem> _problems;

    public PageReader(string file, List<PageProblem> problems)
    {
        File = file;
        _problems = problems;
        Text = System.IO.File.ReadAllText(file).Replace("\r\n", "\n");
        Document = Markdown.Parse(Text, Pipeline);
    }

    public string File { get; }

    public string FileBaseName => Path.GetFileNameWithoutExtension(File);

    public string Text { get; }

    public MarkdownDocument Document { get; }

    /// <summary>Records a problem at a block's line and abandons the page.</summary>
    public PageException Fail(Block? at, string message) => Fail(at == null ? 1 : at.Line + 1, message);

    public PageException Fail(int line, string message)
    {
        _problems.Add(new PageProblem(File, line, message));
        return new PageException(message);
    }

    /// <summary>The YAML front matter as key/value strings, or null when the page has none.</summary>
    public Dictionary<string, string?>? FrontMatter()
    {
        var block = Document.OfType<YamlFrontMatterBlock>().FirstOrDefault();
        if (block == null) return null;
        string yaml = string.Join("\n", block.Lines.Lines.Take(block.Lines.Count).Select(l => l.ToString()).Where(l => l.Trim() != "---"));
        // block.Line is the opening '---' (0-based); the first key is on the next line.
        return ParseYaml(yaml, block.Line + 2, "front matter") ?? new Dictionary<string, string?>();
    }

    /// <summary>A YAML mapping of scalars; a YAML error is a page problem with the line it is on.</summary>
    public Dictionary<string, string?>? ParseYaml(string yaml, int firstLine, string what)
    {
        try
        {
            return Yaml.Deserialize<Dictionary<string, string?>>(yaml);
        }
        catch (YamlException ex)
        {
            int line = firstLine + (int)Math.Max(0, ex.Start.Line - 1);
            string why = ex is SyntaxErrorException || ex is SemanticErrorException
                ? ex.Message
                : "every entry must be 'Key: value' with a plain text value (quote values that start with [, {, *, & or !)";
            throw Fail(line, $"the {what} is not valid YAML: {why}");
        }
    }

    /// <summary>The H1 text; the page must have exactly one, before any H2.</summary>
    public string Title()
    {
        var h1 = Document.OfType<HeadingBlock>().Where(h => h.Level == 1).ToList();
        if (h1.Count == 0) throw Fail(1, "the page has no '# Name' heading");
        if (h1.Count > 1) throw Fail(h1[1], "the page has more than one '# ' heading");
        var firstH2 = Document.OfType<HeadingBlock>().FirstOrDefault(h => h.Level == 2);
        if (firstH2 != null && firstH2.Line < h1[0].Line) throw Fail(h1[0], "the '# Name' heading must come before the '## ' sections");
        return InlineText(h1[0].Inline).Trim();
    }

    /// <summary>The H2 sections in page order. Content between the H1 and the first H2 is an error.</summary>
    public List<Section> Sections()
    {
        var sections = new List<Section>();
        HeadingBlock? heading = null;
        var blocks = new List<Block>();
        foreach (var block in Document)
        {
            if (block is YamlFrontMatterBlock || block is LinkReferenceDefinitionGroup || IsComment(block)) continue;
            if (block is HeadingBlock h && h.Level <= 2)
            {
                if (heading != null) sections.Add(new Section(InlineText(heading.Inline).Trim(), heading, blocks));
                blocks = new List<Block>();
                heading = h.Level == 2 ? h : null;
                continue;
            }
            if (heading == null) throw Fail(block, "text before the first '## ' section");
            blocks.Add(block);
        }
        if (heading != null) sections.Add(new Section(InlineText(heading.Inline).Trim(), heading, blocks));
        return sections;
    }

    public static bool IsComment(Block block) =>
        block is HtmlBlock html && html.Lines.ToString().TrimStart().StartsWith("<!--", StringComparison.Ordinal);

    public static string HeadingText(HeadingBlock h) => InlineText(h.Inline).Trim();

    public static string CodeText(LeafBlock code)
    {
        var lines = code.Lines.Lines.Take(code.Lines.Count).Select(l => l.ToString()).ToList();
        return string.Join("\n", lines).TrimEnd();
    }

    /// <summary>
    /// Prose blocks as help paragraphs: a paragraph is one line of text, a list item one "- item" paragraph, a code
    /// block one paragraph of lines indented by four spaces. Headings are refused (the caller handles those it allows).
    /// </summary>
    public List<string> Paragraphs(IEnumerable<Block> blocks)
    {
        var paras = new List<string>();
        foreach (var block in blocks) AddParagraphs(block, paras, "");
        return paras;
    }

    private void AddParagraphs(Block block, List<string> paras, string prefix)
    {
        switch (block)
        {
            case ParagraphBlock p:
                paras.Add(prefix + InlineText(p.Inline).Trim());
                break;
            case ListBlock list:
                int n = int.TryParse(list.OrderedStart, out int start) ? start : 1;
                foreach (var item in list.OfType<ListItemBlock>())
                {
                    string bullet = list.IsOrdered ? $"{n++}. " : "- ";
                    var inner = new List<string>();
                    foreach (var child in item) AddParagraphs(child, inner, "");
                    if (inner.Count == 0) continue;
                    paras.Add(prefix + bullet + inner[0]);
                    string indent = new string(' ', bullet.Length);
                    foreach (string more in inner.Skip(1)) paras.Add(prefix + indent + more.Replace("\n", "\n" + indent));
                }
                break;
            case CodeBlock code: // fenced or indented
                paras.Add(string.Join("\n", CodeText(code).Split('\n').Select(l => "    " + l)));
                break;
            case QuoteBlock quote:
                foreach (var child in quote) AddParagraphs(child, paras, prefix);
                break;
            case ThematicBreakBlock:
            case LinkReferenceDefinitionGroup:
                break;
            case HtmlBlock when IsComment(block):
                break;
            case HeadingBlock h:
                throw Fail(h, $"a heading ('{HeadingText(h)}') is not allowed here");
            default:
                throw Fail(block, $"a {block.GetType().Name} is not supported in help text");
        }
    }

    /// <summary>
    /// Inline markdown as plain text: code spans and emphasis lose their markers, a link becomes its text (followed by
    /// the URL in parentheses when it is a web address different from the text), soft line breaks become spaces.
    /// </summary>
    public static string InlineText(ContainerInline? container)
    {
        var sb = new StringBuilder();
        if (container != null) AppendInline(container, sb);
        return sb.ToString();
    }

    /// <summary>The text of a container's children (a link's text without its URL).</summary>
    public static string ChildrenText(ContainerInline container)
    {
        var sb = new StringBuilder();
        foreach (var child in container) AppendInline(child, sb);
        return sb.ToString();
    }

    private static void AppendInline(Inline inline, StringBuilder sb)
    {
        switch (inline)
        {
            case LiteralInline literal:
                sb.Append(literal.Content.ToString());
                break;
            case CodeInline code:
                sb.Append(code.Content);
                break;
            case LineBreakInline lineBreak:
                sb.Append(lineBreak.IsHard ? "\n" : " ");
                break;
            case AutolinkInline auto:
                sb.Append(auto.Url);
                break;
            case HtmlEntityInline entity:
                sb.Append(entity.Transcoded.ToString());
                break;
            case HtmlInline html:
                if (html.Tag.StartsWith("<br", StringComparison.OrdinalIgnoreCase)) sb.Append('\n');
                else sb.Append(html.Tag);
                break;
            case LinkInline link:
                int start = sb.Length;
                foreach (var child in link) AppendInline(child, sb);
                string text = sb.ToString(start, sb.Length - start);
                if (!link.IsImage && IsWebUrl(link.Url) && !string.Equals(text, link.Url, StringComparison.OrdinalIgnoreCase))
                    sb.Append(" (").Append(link.Url).Append(')');
                break;
            case ContainerInline container:
                foreach (var child in container) AppendInline(child, sb);
                break;
        }
    }

    public static bool IsWebUrl(string? url) =>
        url != null && (url.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("http://", StringComparison.OrdinalIgnoreCase));
}
