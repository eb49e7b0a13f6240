export default function Home() {
  return (
    <main style={{ maxWidth: 720, margin: '48px auto', padding: '0 24px' }}>
      <h1>ACSA console</h1>
      <p>Review escalated turns, compare and promote models, run experiments, and watch drift.</p>
    </main>
  );
}
