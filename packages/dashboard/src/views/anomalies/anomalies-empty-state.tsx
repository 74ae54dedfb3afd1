import { UnpricedLink } from '../../components/unpriced-link'

/** Shown instead of an empty list: when detection runs and what it looks for (docs/anomalies.md). */
export function AnomaliesEmptyState() {
  return (
    <section
      className="panel empty-state panel-wide"
      data-testid="anomalies-empty"
      aria-labelledby="anomalies-empty-title"
    >
      <h2 id="anomalies-empty-title">No anomalies in this range</h2>
      <p>
        The server looks for them every few minutes (
        <code>spendlens serve --anomaly-interval &lt;minutes&gt;</code>; 0 turns detection off), comparing
        each hour with the same hour of the weeks before it:
      </p>
      <ul>
        <li>
          <strong>Spend spikes</strong>: a feature, customer, model, route or environment spending a multiple
          of what it usually does at that hour of the week;
        </li>
        <li>
          <strong>Customer spend spikes</strong>: a customer at many times its own average hour;
        </li>
        <li>
          <strong>Off-hours traffic</strong>: calls at an hour that has been silent for weeks (a job running
          at 3 a.m.);
        </li>
        <li>
          <strong>Error storms</strong>: a large share of a feature's calls failing;
        </li>
        <li>
          <strong>New and unpriced models</strong>: a model nobody called in weeks, or one spendlens has no
          price for (<UnpricedLink testId="anomalies-unpriced-link">the unpriced models</UnpricedLink> lists
          them all).
        </li>
      </ul>
      <p className="muted">
        A value needs a week of history before it is compared with its own past. What is found shows here and
        on the cost charts, and is sent where the alerts configuration says (docs/alerts.md).
      </p>
    </section>
  )
}
