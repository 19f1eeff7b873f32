import { type FormEvent, useState } from "react";
import { toApiError } from "../api/client";
import type { RevocastApi, User } from "../api/revocast";
import { ErrorMessage } from "./ErrorMessage";

interface LoginFormProps {
  api: RevocastApi;
  onLoggedIn: (user: User) => void;
}

/** Log in, or register and then log in, with one email and password. */
export function LoginForm({ api, onLoggedIn }: LoginFormProps) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const submitter = (event.nativeEvent as SubmitEvent).submitter;
    const register = submitter instanceof HTMLButtonElement && submitter.value === "register";
    setBusy(true);
    setError(null);
    try {
      if (register) {
        await api.register(email, password);
      }
      onLoggedIn(await api.login(email, password));
    } catch (failure) {
      setError(toApiError(failure).message);
      setBusy(false);
    }
  };

  return (
    <section className="card">
      <h2>Log in or register</h2>
      <form onSubmit={submit} className="login-form">
        <label>
          Email
          <input
            type="email"
            name="email"
            autoComplete="username"
            required
            value={email}
            onChange={(event) => setEmail(event.target.value)}
          />
        </label>
        <label>
          Password
          <input
            type="password"
            name="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        </label>
        <div className="buttons">
          <button type="submit" value="login" disabled={busy}>
            Log in
          </button>
          <button type="submit" value="register" disabled={busy} className="secondary">
            Register and log in
          </button>
        </div>
      </form>
      <ErrorMessage message={error} />
    </section>
  );
}
