/** The stream id box. */
import { useEffect, useState } from 'react';

export function StreamSearch({ current, onSearch }: { current: string; onSearch: (id: string) => void }) {
  const [value, setValue] = useState(current);
  useEffect(() => setValue(current), [current]);
  return (
    <form
      className="search"
      role="search"
      onSubmit={(event) => {
        event.preventDefault();
        onSearch(value.trim());
      }}
    >
      <input
        type="search"
        name="stream"
        value={value}
        placeholder="Stream id"
        aria-label="Stream id"
        onChange={(event) => setValue(event.target.value)}
      />
      <button type="submit">Show stream</button>
    </form>
  );
}
