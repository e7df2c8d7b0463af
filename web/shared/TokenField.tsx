/** An optional access token, kept in localStorage; saving it reloads the page so every connection uses it. */
import { useState } from 'react';
import { readToken, saveToken } from './connection';

export function TokenField() {
  const [value, setValue] = useState(readToken);
  const saved = readToken();
  return (
    <form
      className="token-field"
      onSubmit={(event) => {
        event.preventDefault();
        saveToken(value);
        window.location.reload();
      }}
    >
      <label>
        Token
        <input
          type="password"
          value={value}
          placeholder="none"
          autoComplete="off"
          onChange={(event) => setValue(event.target.value)}
          aria-label="Access token (sent as Authorization: Bearer)"
        />
      </label>
      <button type="submit" disabled={value.trim() === saved}>
        {value.trim() ? 'Use' : 'Clear'}
      </button>
    </form>
  );
}
