namespace AcmePS.Core.Workflow
{
    /// <summary>One progress report from a long wait; the host shows it (Write-Progress) on its own thread.</summary>
    public sealed class AcmeProgress
    {
        public AcmeProgress(string activity, string status, int percent = -1)
        {
            Activity = activity;
            Status = status;
            Percent = percent;
        }

        public string Activity { get; }

        public string Status { get; }

        /// <summary>0-100, or -1 when unknown.</summary>
        public int Percent { get; }

        /// <summary>True on the last report of an activity.</summary>
        public bool Completed { get; set; }
    }
}
