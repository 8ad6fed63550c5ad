using System.Text;
using Markdig.Syntax;

namespace HelpGen;

/// <summary>
/// An about topic page (# about_Name, ## SHORT DESCRIPTION, ## LONG DESCRIPTION, optional sections), written as the
/// plain-text about_Name.help.txt that Get-Help shows. Get-Help takes line 5 of that file as the topic's synopsis, so
/// the layout starts TOPIC / name / blank / SHORT DESCRIPTION / the short description on one line.
/// </summary>
public sealed class AboutPage
{
    private const int Width = 80;
    private const string Body = "    ";

    private static readonly string[] Order =
        { "SHORT DESCRIPTION", "LONG DESCRIPTION", "EXAMPLES", "NOTE", "NOTES", "TROUBLESHOOTING NOTE", "SEE ALSO", "KEYWORDS" };

    private AboutPage(string name, PageReader page, List<Section> sections)
    {
        Name = name;
        Page = page;
        Sections = sections;
    }

    public string Name { get; }

    private PageReader Page { get; }

    private List<Section> Sections { get; }

    public static AboutPage Parse(PageReader page)
    {
        page.FrontMatter(); // optional, but must be valid YAML when present
        string name = page.Title();
        if (!string.Equals(name, page.FileBaseName, StringComparison.Ordinal))
            throw page.Fail(1, $"the page '{page.FileBaseName}.md' is titled '# {name}'; the title must be the file name");
        if (!name.StartsWith("about_", StringComparison.Ordinal) || name.Length <= "about_".Length || name.Contains(' '))
            throw page.Fail(1, $"an about topic is named about_<Name>, not '{name}'");
        var sections = page.Sections().Select(s => s with { Title = s.Title.ToUpperInvariant() }).ToList();
        foreach (var s in sections)
            if (!Order.Contains(s.Title))
                throw page.Fail(s.Heading, $"unknown section '## {s.Title}' (allowed: {string.Join(", ", Order)})");
        if (sections.Count < 2 || sections[0].Title != "SHORT DESCRIPTION" || sections[1].Title != "LONG DESCRIPTION")
            throw page.Fail(sections.FirstOrDefault()?.Heading, "an about topic starts with '## SHORT DESCRIPTION' and then '## LONG DESCRIPTION'");
        foreach (var dup in sections.GroupBy(s => s.Title).Where(g => g.Count() > 1))
            throw page.Fail(dup.Skip(1).First().Heading, $"the section '## {dup.Key}' appears twice");
        var shortText = sections[0].Blocks;
        if (shortText.Count != 1 || shortText[0] is not ParagraphBlock)
            throw page.Fail(sections[0].Heading, "SHORT DESCRIPTION must be a single paragraph");
        var about = new AboutPage(name, page, sections);
        about.ToHelpText(); // renders every block once, so an unsupported one fails here and not at write time
        return about;
    }

    public string ShortDescription => Collapse(PageReader.InlineText(((ParagraphBlock)Sections[0].Blocks[0]).Inline));

    public string ToHelpText()
    {
        var sb = new StringBuilder();
        sb.Append("TOPIC\n").Append(Body).Append(Name).Append("\n\n");
        sb.Append("SHORT DESCRIPTION\n").Append(Body).Append(ShortDescription).Append('\n');
        foreach (var section in Sections.Skip(1))
        {
            sb.Append('\n').Append(section.Title).Append('\n');
            bool first = true;
            foreach (var block in section.Blocks)
            {
                // A blank line between blocks, but none between a heading and its first paragraph.
                if (!first) sb.Append('\n');
                first = block is HeadingBlock;
                RenderBlock(block, sb, Body);
            }
        }
        return sb.ToString();
    }

    private void RenderBlock(Block block, StringBuilder sb, string indent)
    {
        switch (block)
        {
            case HeadingBlock { Level: 3 } h:
                sb.Append("  ").Append(PageReader.HeadingText(h)).Append('\n');
                break;
            case HeadingBlock { Level: >= 4 } h:
                sb.Append(Body).Append(PageReader.HeadingText(h)).Append('\n');
                break;
            case ParagraphBlock p:
                Wrap(PageReader.InlineText(p.Inline).Trim(), indent, indent, sb);
                break;
            case ListBlock list:
                int n = int.TryParse(list.OrderedStart, out int start) ? start : 1;
                bool firstItem = true;
                foreach (var item in list.OfType<ListItemBlock>())
                {
                    // A tight list stays tight; a loose one (blank lines between items) keeps its blank lines.
                    if (!firstItem && list.IsLoose) sb.Append('\n');
                    firstItem = false;
                    string bullet = list.IsOrdered ? $"{n++}. " : "- ";
                    string hanging = indent + new string(' ', bullet.Length);
                    bool firstChild = true;
                    foreach (var child in item)
                    {
                        if (firstChild && child is ParagraphBlock para)
                            Wrap(PageReader.InlineText(para.Inline).Trim(), indent + bullet, hanging, sb);
                        else
                        {
                            if (!firstChild) sb.Append('\n');
                            RenderBlock(child, sb, hanging);
                        }
                        firstChild = false;
                    }
                }
                break;
            case CodeBlock code:
                foreach (string line in PageReader.CodeText(code).Split('\n'))
                    sb.Append(line.Length == 0 ? "" : indent + Body + line).Append('\n');
                break;
            case QuoteBlock quote:
                bool firstQuoted = true;
                foreach (var child in quote)
                {
                    if (!firstQuoted) sb.Append('\n');
                    firstQuoted = false;
                    RenderBlock(child, sb, indent + "  ");
                }
                break;
            case ThematicBreakBlock:
            case LinkReferenceDefinitionGroup:
                break;
            case HtmlBlock when PageReader.IsComment(block):
                break;
            case HeadingBlock h:
                throw Page.Fail(h, "only '###' and deeper headings are allowed inside a section");
            default:
                throw Page.Fail(block, $"a {block.GetType().Name} is not supported in an about topic");
        }
    }

    private static string Collapse(string text) => string.Join(" ", text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    /// <summary>Word-wraps to <see cref="Width"/> columns; hard line breaks in the text are kept.</summary>
    private static void Wrap(string text, string firstIndent, string indent, StringBuilder sb)
    {
        string prefix = firstIndent;
        foreach (string hardLine in text.Split('\n'))
        {
            var line = new StringBuilder(prefix);
            bool empty = true;
            foreach (string word in hardLine.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (!empty && line.Length + 1 + word.Length > Width)
                {
                    sb.Append(line).Append('\n');
                    line.Clear().Append(indent);
                    empty = true;
                }
                if (!empty) line.Append(' ');
                line.Append(word);
                empty = false;
            }
            sb.Append(line).Append('\n');
            prefix = indent;
        }
    }
}
