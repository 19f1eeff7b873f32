import { useEffect, useMemo, useRef, useState } from "react";
import { createApiClient } from "./api/client";
import { RevocastApi, type User } from "./api/revocast";
import { Dashboard } from "./components/Dashboard";
import { LoginForm } from "./components/LoginForm";

export function App() {
  // undefined while GET /auth/me is in flight, null when no user is logged in.
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const [notice, setNotice] = useState<string | null>(null);
  // Read by the session-expiry callback, which is created once.
  const loggedIn = useRef(false);
  useEffect(() => {
    loggedIn.current = Boolean(user);
  }, [user]);

  const api = useMemo(
    () =>
      new RevocastApi(
        createApiClient({
          onSessionExpired: () => {
            // On the first load this only means that no user has logged in yet.
            if (loggedIn.current) {
              setNotice("Your session has ended. Log in again.");
            }
            setUser(null);
          },
        }),
      ),
    [],
  );

  useEffect(() => {
    let active = true;
    api.me().then(
      (me) => active && setUser(me),
      () => active && setUser(null),
    );
    return () => {
      active = false;
    };
  }, [api]);

  const handleLoggedIn = (loggedIn: User) => {
    setNotice(null);
    setUser(loggedIn);
  };

  const handleLoggedOut = () => {
    setNotice("You are logged out.");
    setUser(null);
  };

  return (
    <main>
      <h1>Revocast demo</h1>
      {notice && <p className="notice">{notice}</p>}
      {user === undefined && <p>Loading…</p>}
      {user === null && <LoginForm api={api} onLoggedIn={handleLoggedIn} />}
      {user && <Dashboard api={api} user={user} onLoggedOut={handleLoggedOut} />}
    </main>
  );
}
