// HelpGen: docs/en-US/*.md (platyPS markdown, schema 2.0.0) -> MAML help (<external help file>, e.g. AcmePS.dll-Help.xml)
// and about_<Name>.help.txt. A build-time tool: build.ps1 runs it; the module never loads it.
//
//   dotnet run --project build/HelpGen -c Release -- <docs dir> <output dir> [--check]
//
// --check parses and validates every page but writes nothing. Exit codes: 0 done, 1 a page is malformed (every problem
// is printed as "file:line: message"), 2 bad command line.
using HelpGen;

if (args.Length < 2 || args.Length > 3 || (args.Length == 3 && args[2] != "--check") || args.Any(a => a is "-h" or "--help" or "-?"))
{
    Console.Error.WriteLine("usage: HelpGen <docs dir> <output dir> [--check]");
    return 2;
}
string docs = Path.GetFullPath(args[0]);
string output = Path.GetFullPath(args[1]);
bool checkOnly = args.Length == 3;
if (!Directory.Exists(docs))
{
    Console.Error.WriteLine($"HelpGen: the docs folder {docs} does not exist.");
    return 2;
}

var problems = new List<PageProblem>();
var commands = new List<CommandPage>();
var abouts = new List<AboutPage>();
var files = Directory.GetFiles(docs, "*.md").OrderBy(f => f, StringComparer.Ordinal).ToList();
if (files.Count == 0) problems.Add(new PageProblem(docs, 0, "no *.md pages"));

foreach (string file in files)
{
    var page = new PageReader(file, problems);
    try
    {
        if (Path.GetFileName(file).StartsWith("about_", StringComparison.OrdinalIgnoreCase)) abouts.Add(AboutPage.Parse(page));
        else commands.Add(CommandPage.Parse(page));
    }
    catch (PageException)
    {
        // already recorded in problems; go on, so one run reports every broken page
    }
}

foreach (var duplicate in commands.GroupBy(c => c.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
    problems.Add(new PageProblem(duplicate.Last().File, 1, $"a second page for {duplicate.Key}"));

if (problems.Count > 0)
{
    foreach (var p in problems) Console.Error.WriteLine($"{p.File}:{p.Line}: {p.Message}");
    Console.Error.WriteLine($"HelpGen: {problems.Count} problem(s) in {docs}; no help written.");
    return 1;
}

if (checkOnly)
{
    Console.WriteLine($"HelpGen: {commands.Count} command page(s) and {abouts.Count} about topic(s) are well-formed.");
    return 0;
}

Directory.CreateDirectory(output);
foreach (var group in commands.GroupBy(c => c.ExternalHelpFile, StringComparer.OrdinalIgnoreCase))
{
    string path = Path.Combine(output, group.Key);
    MamlWriter.Write(path, group.OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase));
    Console.WriteLine($"HelpGen: {path} ({group.Count()} commands)");
}
foreach (var about in abouts)
{
    string path = Path.Combine(output, about.Name + ".help.txt");
    File.WriteAllText(path, about.ToHelpText(), new System.Text.UTF8Encoding(false));
    Console.WriteLine($"HelpGen: {path}");
}
return 0;
