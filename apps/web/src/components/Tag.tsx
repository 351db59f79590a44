import { Link } from 'react-router-dom';

/** A DAG tag; links to the DAG list filtered by it. */
export function Tag({ name }: { name: string }) {
  return (
    <Link className="tag" to={`/?tag=${encodeURIComponent(name)}`}>
      {name}
    </Link>
  );
}
